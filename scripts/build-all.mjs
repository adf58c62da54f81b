#!/usr/bin/env node
/**
 * `npm run build:all`: every package's build output, the frontend bundle
 * (packages/app/dist) and the backend's skeleton and bundle
 * (packages/backend/dist/{skeleton,bundle}.tar.gz) for a production image.
 *
 *   1. `tsc --incremental false`: the type declarations (dist-types) that
 *      the package builds read;
 *   2. `backstage-cli repo build --all`.
 *
 * The Backstage CLI copies the root `yarn.lock` into the backend bundle's
 * workspace unconditionally; this project installs with npm and has none
 * (package-lock.json is the lockfile, and packages/backend/Dockerfile
 * copies it). So while the CLI builds, an empty `yarn.lock` stands in, and
 * it is removed afterwards. Nothing else is changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

/** Runs a command of node_modules/.bin; its exit status. */
function run(command, args) {
  console.log(`\n=== ${command} ${args.join(' ')}`);
  const result = spawnSync(join(bin, command), args, {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  return result.status ?? 1;
}

const typesStatus = run('tsc', ['--incremental', 'false']);
if (typesStatus !== 0) {
  process.exit(typesStatus);
}

const standIn = join(root, 'yarn.lock');
const madeStandIn = !existsSync(standIn);
if (madeStandIn) {
  writeFileSync(standIn, '');
}
let buildStatus;
try {
  buildStatus = run('backstage-cli', ['repo', 'build', '--all']);
} finally {
  if (madeStandIn) {
    rmSync(standIn, { force: true });
  }
}
process.exit(buildStatus);
