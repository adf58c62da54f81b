#!/usr/bin/env node
/**
 * The production smoke test (issue 20): the README's production path, from
 * the build output, against the local PostgreSQL.
 *
 *   1. `npm run build:all` (type declarations, then every package, the
 *      frontend bundle and the backend's skeleton and bundle);
 *   2. the backend's skeleton and bundle unpacked into a temporary folder,
 *      its production dependencies installed there by npm from the
 *      lockfile (`npm install --omit=dev --offline --ignore-scripts`: from
 *      npm's cache, which `npm ci` filled, never re-resolved against the
 *      registry), as packages/backend/Dockerfile does;
 *   3. `node packages/backend --config app-config.yaml --config
 *      app-config.production.yaml` in that folder, on its own port and
 *      database prefix, NODE_ENV=production, with the environment the
 *      production config reads.
 *
 * Checks: the backend becomes ready; `/api/multivac/health` answers 200; an
 * incident list without a token gets 401; guest sign-in is refused; the
 * built frontend (index.html and a script it names) is served. Prints one
 * PASS/FAIL line per check and `N passed, N failed` last.
 *
 * SMOKE_SKIP_BUILD=1 reuses an earlier build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { productionRuntimeEnv } from './production-runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const node = join(bin, 'node');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
const READY_TIMEOUT_MS = 240_000;
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };
// Each run's databases: Backstage makes one per plugin, named prefix + plugin id.
const databasePrefix = `multivac_smoke_${process.pid}_`;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

function step(title, command, args, options = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    ...options,
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  return check(title, result.status === 0, `${seconds} s`);
}

async function freePort() {
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function dropDatabases() {
  const { Client } = createRequire(
    join(root, 'plugins', 'multivac-backend', 'package.json'),
  )('pg');
  const client = new Client({ ...POSTGRES, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select datname from pg_database where datname like $1',
      [`${databasePrefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await client.end();
  }
}

async function status(url, init) {
  try {
    const res = await fetch(url, init);
    return { status: res.status, text: await res.text(), res };
  } catch (error) {
    return { status: 0, text: String(error) };
  }
}

async function waitUntilReady(base, backend) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null) return false;
    const { status: code } = await status(
      `${base}/.backstage/health/v1/readiness`,
    );
    if (code === 200) return true;
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  return false;
}

async function smoke(dir) {
  for (const file of ['skeleton.tar.gz', 'bundle.tar.gz']) {
    const archive = join(root, 'packages', 'backend', 'dist', file);
    if (!check(`build output ${file}`, existsSync(archive))) return;
  }
  // As packages/backend/Dockerfile: the lockfile and root package.json, the
  // skeleton, the production install, then the bundle and the config.
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    copyFileSync(join(root, file), join(dir, file));
  }
  const unpack = file =>
    step(`unpack ${file}`, 'tar', [
      'xzf',
      join(root, 'packages', 'backend', 'dist', file),
      '-C',
      dir,
    ]);
  if (!unpack('skeleton.tar.gz')) return;
  if (
    !step(
      'production install from the lockfile',
      'npm',
      [
        'install',
        '--omit=dev',
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: dir },
    )
  ) {
    return;
  }
  if (!unpack('bundle.tar.gz')) return;
  for (const file of [
    'app-config.yaml',
    'app-config.production.yaml',
    'catalog-info.yaml',
  ]) {
    copyFileSync(join(root, file), join(dir, file));
  }

  const port = await freePort();
  const base = `http://localhost:${port}`;
  console.log(
    `\n=== the built backend on ${base}, database prefix ${databasePrefix}`,
  );
  const backend = spawn(
    node,
    [
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        ...productionRuntimeEnv(),
        NODE_ENV: 'production',
        APP_BASE_URL: base,
        BACKEND_BASE_URL: base,
        BACKEND_SECRET: randomBytes(24).toString('base64'),
        POSTGRES_HOST: POSTGRES.host,
        POSTGRES_PORT: String(POSTGRES.port),
        POSTGRES_USER: POSTGRES.user,
        POSTGRES_PASSWORD: '',
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_database_prefix: databasePrefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = chunk => {
    output = (output + chunk).slice(-20_000);
  };
  backend.stdout.on('data', keep);
  backend.stderr.on('data', keep);
  try {
    const ready = await waitUntilReady(base, backend);
    if (!check('the built backend starts on PostgreSQL', ready)) {
      console.log(output);
      return;
    }
    const health = await status(`${base}/api/multivac/health`);
    check(
      'GET /api/multivac/health answers 200',
      health.status === 200,
      `${health.status} ${health.text.slice(0, 80)}`,
    );
    const incidents = await status(`${base}/api/multivac/incidents`);
    check(
      'an incident list without a token gets 401',
      incidents.status === 401,
      String(incidents.status),
    );
    const guest = await status(`${base}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    check(
      'guest sign-in is refused',
      guest.status >= 400 && guest.status !== 429,
      String(guest.status),
    );
    const page = await status(`${base}/`);
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(page.text)?.[1];
    check(
      'the built frontend is served',
      page.status === 200 && !!script,
      `${page.status}, script ${script ?? 'none'}`,
    );
    if (script) {
      const asset = await status(new URL(script, `${base}/`).toString());
      check(
        'its script is served',
        asset.status === 200 &&
          /javascript/.test(asset.res?.headers.get('content-type') ?? ''),
        `${asset.status} ${asset.res?.headers.get('content-type')}`,
      );
    }
  } finally {
    backend.kill('SIGTERM');
    await new Promise(resolve => {
      if (backend.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        backend.kill('SIGKILL');
        resolve();
      }, 10_000);
      backend.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const built =
  process.env.SMOKE_SKIP_BUILD === '1' ||
  step('npm run build:all', 'npm', ['run', 'build:all']);
if (built) {
  const dir = mkdtempSync(join(tmpdir(), 'multivac-smoke-'));
  try {
    await smoke(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabases().catch(error =>
      console.log(`Could not drop the smoke test's databases: ${error}`),
    );
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
