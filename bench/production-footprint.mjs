/*
 * The production footprint of the demo (issue 16): the backend's resident
 * memory (RSS) after start and after 10,000 requests, and the size of the
 * frontend's production bundle. See bench/README.md.
 *
 * Backend: packages/backend with the demo config (app-config.yaml: SQLite,
 * the demo catalog, guest sign-in) and NODE_ENV=production, on a free port
 * with its SQLite files in a temporary directory, loaded the way `npm start`
 * loads it (the CLI's SWC transform of the TypeScript sources, no bundle),
 * or with BENCH_BACKEND=dist as built for production (see FROM_DIST), or
 * with BENCH_BACKEND=stock the same Backstage plugins without Multivac, the
 * baseline (see STOCK). Where the memory is comes from the backend itself
 * (bench/lib/memoryProbe.cjs): V8's heap, the live heap after a full
 * collection, and the modules loaded per package.
 * RSS is read from `ps` once the catalog has the demo entities, then after
 * 10,000 requests, 16 at a time, of what the entity pages call (On-call
 * card, recent pages, Incidents, Releases and Post-mortems tabs, the
 * entity itself) over every demo Component, System and Group.
 *
 * Frontend: `backstage-cli package build` of packages/app; the sum of every
 * file in packages/app/dist and the largest JavaScript chunk (raw and
 * gzip). BENCH_SKIP_FRONTEND=1 skips it.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { productionRuntimeEnv } from '../scripts/production-runtime.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const REQUESTS = 10_000;
const CONCURRENCY = 16;
const TARGET_RSS_MB = 400;
/**
 * BENCH_BACKEND=dist: run the backend as built for production
 * (`backstage-cli package build` in packages/backend and in each @multivac
 * package it uses, beforehand), its @multivac packages resolved to their
 * dist by bench/lib/resolveDist.cjs; no TypeScript loader.
 */
const FROM_DIST = process.env.BENCH_BACKEND === 'dist';
/**
 * BENCH_BACKEND=stock: the baseline, the same Backstage plugins without
 * Multivac (bench/lib/stockBackend.cjs), from their installed dist.
 */
const STOCK = process.env.BENCH_BACKEND === 'stock';
/**
 * BENCH_PRECOMPILED_SCHEMA=1: the config schema compiled before the start
 * (as a build step would), not by the root logger at start
 * (bench/lib/precompiledSchema.cjs).
 */
const PRECOMPILED_SCHEMA = Boolean(process.env.BENCH_PRECOMPILED_SCHEMA);
/**
 * BENCH_NODE_FLAGS='--max-old-space-size=256 ...': Node flags for the
 * backend's process only (not for this script, as NODE_OPTIONS would be),
 * as a production image's command line would set them. MALLOC_ARENA_MAX
 * (glibc) reaches the backend through the environment; both are named in
 * the output.
 */
/**
 * As built (BENCH_BACKEND=dist) and without either of those, the backend
 * runs as the production image runs it: the Dockerfile's NODE_OPTIONS and
 * MALLOC_ARENA_MAX (scripts/production-runtime.mjs).
 */
const IMAGE_RUNTIME =
  FROM_DIST &&
  process.env.BENCH_NODE_FLAGS === undefined &&
  process.env.MALLOC_ARENA_MAX === undefined
    ? productionRuntimeEnv()
    : {};
const NODE_FLAGS = (
  process.env.BENCH_NODE_FLAGS ??
  IMAGE_RUNTIME.NODE_OPTIONS ??
  ''
)
  .split(/\s+/)
  .filter(Boolean);
const MALLOC_ARENA_MAX =
  process.env.MALLOC_ARENA_MAX ?? IMAGE_RUNTIME.MALLOC_ARENA_MAX;
const RUNTIME_NAME = [
  ...NODE_FLAGS,
  ...(MALLOC_ARENA_MAX ? [`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}`] : []),
].join(' ');
/** What each kind of backend is called in the output. */
const BACKEND_NAME =
  (RUNTIME_NAME ? `with ${RUNTIME_NAME}, ` : '') +
  (PRECOMPILED_SCHEMA ? 'config schema precompiled, ' : '') +
  (STOCK
    ? 'stock Backstage (the same plugins, no Multivac)'
    : FROM_DIST
    ? 'as built (dist, no TypeScript loader)'
    : 'from source');

const mb = bytes => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function freePort() {
  const server = createServer();
  await new Promise(res => server.listen(0, '127.0.0.1', res));
  const { port } = server.address();
  await new Promise(res => server.close(res));
  return port;
}

/** The process's CPU time so far (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssBytes(pid) {
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

async function startBackend() {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'footprint-'));
  const override = join(data, 'app-config.footprint.yaml');
  writeFileSync(
    override,
    JSON.stringify({
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port },
        database: { client: 'better-sqlite3', connection: { directory: data } },
      },
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
    }),
  );
  const memoryReport = join(data, 'memory.json');
  const schema = join(data, 'config-schema.json');
  if (PRECOMPILED_SCHEMA) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'bench/lib/precompiledSchema.cjs'), schema],
      { cwd: join(ROOT, 'packages/backend'), stdio: 'inherit' },
    );
  }
  const child = spawn(
    process.execPath,
    [
      // Where the memory is, on request (see readMemory); --expose-gc lets
      // it tell live objects from garbage not yet collected.
      '--expose-gc',
      ...NODE_FLAGS,
      '--require',
      join(ROOT, 'bench/lib/memoryProbe.cjs'),
      ...(PRECOMPILED_SCHEMA
        ? ['--require', join(ROOT, 'bench/lib/precompiledSchema.cjs')]
        : []),
      ...(STOCK
        ? [join(ROOT, 'bench/lib/stockBackend.cjs')]
        : FROM_DIST
        ? [
            '--require',
            join(ROOT, 'bench/lib/resolveDist.cjs'),
            'dist/index.cjs.js',
          ]
        : [
            '--require',
            '@backstage/cli/config/nodeTransform.cjs',
            'src/index.ts',
          ]),
      '--config',
      '../../app-config.yaml',
      '--config',
      override,
    ],
    {
      cwd: join(ROOT, 'packages/backend'),
      env: {
        ...process.env,
        ...(MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX } : {}),
        NODE_ENV: 'production',
        LOG_LEVEL: 'error',
        BENCH_MEMORY_REPORT: memoryReport,
        ...(PRECOMPILED_SCHEMA ? { BENCH_CONFIG_SCHEMA: schema } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://localhost:${port}`;
  return {
    url,
    pid: child.pid,
    /** The backend's own account of its memory (bench/lib/memoryProbe.cjs). */
    async readMemory() {
      rmSync(memoryReport, { force: true });
      child.kill('SIGUSR2');
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          return JSON.parse(readFileSync(memoryReport, 'utf8'));
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise(res => setTimeout(res, 200));
        }
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(res => child.once('exit', res));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
    exited: () => child.exitCode !== null,
  };
}

async function guestToken(url) {
  const response = await fetch(`${url}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!response.ok) throw new Error(`guest sign-in: ${response.status}`);
  return (await response.json()).backstageIdentity.token;
}

/** Waits for the backend and the demo catalog; returns the token and the demo entities. */
async function waitForDemo(backend) {
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    if (backend.exited()) throw new Error('The backend exited');
    try {
      const token = await guestToken(backend.url);
      const response = await fetch(
        `${backend.url}/api/catalog/entities/by-query?filter=kind=component&filter=kind=system&filter=kind=group&fields=kind,metadata.name,metadata.namespace&limit=500`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const { items } = await response.json();
      // The demo has 9 Components, 3 Systems and 3+ Groups.
      if (items.filter(e => e.kind === 'Component').length >= 9) {
        return {
          token,
          refs: items.map(
            e =>
              `${e.kind.toLowerCase()}:${e.metadata.namespace}/${
                e.metadata.name
              }`,
          ),
        };
      }
    } catch {
      // not up yet
    }
    await new Promise(res => setTimeout(res, 1000));
  }
  throw new Error('The demo catalog was not there within 5 minutes');
}

async function load(backend, token, refs) {
  const routes = ref => {
    const q = encodeURIComponent(ref);
    const [kind, rest] = ref.split(':');
    return [
      `/api/multivac/oncall?entityRef=${q}`,
      `/api/multivac/pages?entityRef=${q}&limit=5`,
      `/api/multivac/incidents?entityRef=${q}`,
      `/api/multivac/releases?entityRef=${q}`,
      `/api/multivac/postmortems?entityRef=${q}`,
      `/api/catalog/entities/by-name/${kind}/${rest}`,
    ];
  };
  const paths = refs.flatMap(routes);
  const statuses = new Map();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const path = paths[next++ % paths.length];
        const response = await fetch(`${backend.url}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, statuses };
}

/** One line: where the memory is, as the backend sees it. */
function describeMemory(memory) {
  const { memoryUsage: use, heapSpaces, modules, afterGc } = memory;
  const space = name =>
    heapSpaces.find(s => s.space_name === name)?.space_used_size ?? 0;
  const top = modules.packages
    .slice(0, 8)
    .map(p => `${p.name} ${mb(p.sourceBytes)}`)
    .join(', ');
  return [
    `  V8 heap used ${mb(use.heapUsed)} of ${mb(use.heapTotal)} (code ${mb(
      space('code_space'),
    )}, old ${mb(space('old_space'))}, large objects ${mb(
      space('large_object_space'),
    )}); outside the heap: external ${mb(use.external)} (array buffers ${mb(
      use.arrayBuffers,
    )}), the rest of RSS ${mb(use.rss - use.heapTotal - use.external)}`,
    ...(afterGc
      ? [
          `  after a full garbage collection: heap used ${mb(
            afterGc.memoryUsage.heapUsed,
          )} (old ${mb(
            afterGc.heapSpaces.find(s => s.space_name === 'old_space')
              ?.space_used_size ?? 0,
          )}), RSS ${mb(afterGc.memoryUsage.rss)}`,
        ]
      : []),
    `  ${modules.count} CommonJS modules loaded, ${mb(
      modules.sourceBytes,
    )} of source; largest: ${top}`,
  ].join('\n');
}

async function measureBackend() {
  const backend = await startBackend();
  try {
    const { token, refs } = await waitForDemo(backend);
    const afterStart = rssBytes(backend.pid);
    console.log(
      `backend ${BACKEND_NAME}: RSS after start (demo catalog read): ${mb(
        afterStart,
      )}; load average ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(describeMemory(await backend.readMemory()));
    const cpuBefore = cpuSeconds(backend.pid);
    const { seconds, statuses } = await load(backend, token, refs);
    const cpu = cpuSeconds(backend.pid) - cpuBefore;
    const afterLoad = rssBytes(backend.pid);
    console.log(
      `backend RSS after ${REQUESTS.toLocaleString('en-US')} requests over ${
        refs.length
      } demo entities (${(REQUESTS / seconds).toFixed(
        0,
      )} requests/s; statuses ${[...statuses]
        .sort()
        .map(([status, n]) => `${status} ×${n}`)
        .join(', ')}): ${mb(afterLoad)}, ${(
        afterLoad /
        2 ** 20 /
        TARGET_RSS_MB
      ).toFixed(2)}× the ${TARGET_RSS_MB} MB target${
        afterLoad / 2 ** 20 < TARGET_RSS_MB ? '' : ' (missed)'
      }; backend CPU ${((cpu / REQUESTS) * 1000).toFixed(2)} ms per request`,
    );
    console.log(describeMemory(await backend.readMemory()));
    return afterLoad / 2 ** 20 < TARGET_RSS_MB;
  } finally {
    await backend.stop();
  }
}

function filesUnder(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap(entry => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function measureFrontend() {
  const app = join(ROOT, 'packages/app');
  const started = performance.now();
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/@backstage/cli/bin/backstage-cli'),
      'package',
      'build',
    ],
    {
      cwd: app,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const files = filesUnder(join(app, 'dist'));
  const total = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const scripts = files.filter(file => file.endsWith('.js'));
  const largest = scripts.reduce((a, b) =>
    statSync(a).size >= statSync(b).size ? a : b,
  );
  const gzipTotal = scripts.reduce(
    (sum, file) => sum + gzipSync(readFileSync(file)).length,
    0,
  );
  console.log(
    `frontend production build (${(
      (performance.now() - started) /
      1000
    ).toFixed(0)} s): ${files.length} files in packages/app/dist, ${mb(
      total,
    )} in all; ${scripts.length} JavaScript chunks, ${mb(
      gzipTotal,
    )} gzip; largest chunk ${largest.slice(app.length + 1)} ${mb(
      statSync(largest).size,
    )} (${mb(gzipSync(readFileSync(largest)).length)} gzip)`,
  );
}

const withinTarget = await measureBackend();
if (!process.env.BENCH_SKIP_FRONTEND) {
  measureFrontend();
}
if (!withinTarget) {
  process.exitCode = 1;
}
