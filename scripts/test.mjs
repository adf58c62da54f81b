#!/usr/bin/env node
/**
 * The whole test suite, as `npm test` runs it:
 *   1. type check (tsc)
 *   2. lint (ESLint through the Backstage CLI), formatting (prettier --check),
 *      the lockfile's completeness (scripts/check-lockfile.js) and the
 *      packages' API reports (report.api.md, `npm run api-reports`)
 *   3. unit, route and store tests (Jest through the Backstage CLI); store
 *      tests run on SQLite and, when a server is reachable, on PostgreSQL 15
 *   4. end to end: the real portal in headless Chromium (e2e/run.mjs)
 *   5. in CI (or with MULTIVAC_PRODUCTION_SMOKE=1): the production smoke
 *      test, `npm run build:all` and the built backend on PostgreSQL
 *      (scripts/production-smoke.mjs)
 * Every step runs even if an earlier one failed. The last line is
 * `N passed, N failed` (tests and checks together).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432';

async function postgresReachable(url) {
  const { Client } = createRequire(
    join(root, 'plugins', 'multivac-backend', 'package.json'),
  )('pg');
  const client = new Client({
    connectionString: `${url}/postgres`,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function run(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  return result.status === 0;
}

/** The `api-reports` script of package.json, as a command and arguments. */
function apiReportsCommand() {
  const { scripts } = JSON.parse(
    readFileSync(join(root, 'package.json'), 'utf8'),
  );
  return [...scripts['api-reports'].matchAll(/"([^"]*)"|(\S+)/g)].map(
    ([, quoted, plain]) => quoted ?? plain,
  );
}

const summary = [];
let passed = 0;
let failed = 0;
function record(step, ok, detail) {
  summary.push(
    `${ok ? 'PASS' : 'FAIL'} ${step}${detail ? ` (${detail})` : ''}`,
  );
}

if (!env[POSTGRES_ENV]) {
  if (await postgresReachable(LOCAL_POSTGRES)) {
    env[POSTGRES_ENV] = LOCAL_POSTGRES;
  } else {
    console.log(
      `\nPostgreSQL is not reachable at ${LOCAL_POSTGRES}: store tests run on SQLite only.` +
        ` Set ${POSTGRES_ENV} to run them on PostgreSQL too.`,
    );
  }
}

for (const [title, args] of [
  ['type check', ['tsc']],
  ['lint', ['backstage-cli', 'repo', 'lint']],
  ['formatting', ['prettier', '--check', '.']],
  ['lockfile complete', ['node', join(root, 'scripts', 'check-lockfile.js')]],
  // From the declarations the type check wrote: each package's
  // report.api.md must be current (`npm run api-reports` updates them).
  ['API reports', [...apiReportsCommand(), '--ci']],
]) {
  const ok = run(title, join(bin, args[0]), args.slice(1));
  ok ? passed++ : failed++;
  record(title, ok);
}

const report = join(
  mkdtempSync(join(tmpdir(), 'multivac-jest-')),
  'report.json',
);
const unitOk = run('unit and store tests', join(bin, 'backstage-cli'), [
  'repo',
  'test',
  '--watchAll=false',
  '--json',
  `--outputFile=${report}`,
]);
try {
  const jest = JSON.parse(readFileSync(report, 'utf8'));
  passed += jest.numPassedTests;
  failed +=
    jest.numFailedTests + (unitOk && jest.numFailedTestSuites === 0 ? 0 : 1);
  record(
    'unit and store tests',
    unitOk,
    `${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numTotalTestSuites} suites` +
      `; PostgreSQL ${env[POSTGRES_ENV] ? 'included' : 'skipped'}`,
  );
} catch {
  failed++;
  record('unit and store tests', false, 'no report');
}

/**
 * Runs a script that prints `N passed, N failed` last, adding its counts;
 * a script that fails without a failed count counts as one failure.
 */
function runCounted(title, script) {
  console.log(`\n=== ${title}: node ${script}`);
  const result = spawnSync(join(bin, 'node'), [join(root, script)], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout ?? '');
  const counts = /(\d+) passed, (\d+) failed\s*$/.exec(result.stdout ?? '');
  const ok = result.status === 0 && !!counts;
  passed += counts ? Number(counts[1]) : 0;
  failed += counts ? Number(counts[2]) : 0;
  if (!ok && (!counts || Number(counts[2]) === 0)) failed++;
  record(
    title,
    ok,
    counts ? `${counts[1]} passed, ${counts[2]} failed` : 'no result',
  );
}

runCounted('end to end', join('e2e', 'run.mjs'));

// The production path (build:all, the built backend on PostgreSQL): in CI,
// or when asked, since the build takes minutes.
if (process.env.CI || process.env.MULTIVAC_PRODUCTION_SMOKE === '1') {
  runCounted('production smoke', join('scripts', 'production-smoke.mjs'));
} else {
  summary.push(
    'SKIP production smoke (runs in CI; MULTIVAC_PRODUCTION_SMOKE=1 runs it here)',
  );
}

console.log(`\n=== summary\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
