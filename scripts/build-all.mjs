#!/usr/bin/env node
/**
 * `npm run build:all`: every package's build output, the frontend bundle
 * (packages/app/dist) and the backend's skeleton and bundle
 * (packages/backend/dist/{skeleton,bundle}.tar.gz) for a production image.
 *
 *   1. `tsc --incremental false`: the type declarations (dist-types) that
 *      the package builds read;
 *   2. `backstage-cli repo build --all`;
 *   3. the config schema of every package, serialized
 *      (`backstage-cli config:schema --format json --no-merge`), written to
 *      packages/backend/dist/config-schema.json and added to the bundle at
 *      the same path: the built backend's root logger reads it to know which
 *      config values are secrets, instead of compiling every package's
 *      config.d.ts with TypeScript at each start (about 200 MB of memory,
 *      bench/README.md). It must be written after the CLI's build, which
 *      empties packages/backend/dist.
 *
 * The Backstage CLI copies the root `yarn.lock` into the backend bundle's
 * workspace unconditionally; this project installs with npm and has none
 * (package-lock.json is the lockfile, and packages/backend/Dockerfile
 * copies it). So while the CLI builds, an empty `yarn.lock` stands in, and
 * it is removed afterwards. Nothing else is changed.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
if (buildStatus !== 0) {
  process.exit(buildStatus);
}

const schemaPath = 'packages/backend/dist/config-schema.json';
const schemaFile = join(root, schemaPath);
const schemaArgs = ['config:schema', '--format', 'json', '--no-merge'];
console.log(`\n=== backstage-cli ${schemaArgs.join(' ')} > ${schemaPath}`);
// Straight into the file, as a shell redirect: read from a pipe, the CLI's
// output came back cut short.
const schemaOut = openSync(schemaFile, 'w');
const schema = spawnSync(join(bin, 'backstage-cli'), schemaArgs, {
  cwd: root,
  env,
  stdio: ['ignore', schemaOut, 'inherit'],
});
closeSync(schemaOut);
let serialized;
try {
  serialized = JSON.parse(readFileSync(schemaFile, 'utf8'));
} catch (error) {
  console.error(`Not JSON: ${error}`);
}
if (schema.status !== 0 || serialized?.backstageConfigSchemaVersion !== 1) {
  rmSync(schemaFile, { force: true });
  console.error(
    `The config schema could not be serialized (exit status ${schema.status}` +
      `${schema.error ? `, ${schema.error}` : ''}); ${schemaPath} not written.`,
  );
  process.exit(schema.status || 1);
}

// Into the bundle as well, beside the backend's dist/index.cjs.js: the
// archive is gzipped, so unzip, append, zip again.
const bundle = join(root, 'packages/backend/dist/bundle.tar');
for (const [command, args] of [
  ['gzip', ['-d', `${bundle}.gz`]],
  ['tar', ['-rf', bundle, '-C', root, schemaPath]],
  ['gzip', ['-n', bundle]],
]) {
  console.log(`\n=== ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status !== 0) {
    process.exit(status ?? 1);
  }
}
