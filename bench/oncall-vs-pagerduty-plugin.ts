/*
 * Multivac's on-call card side by side with PagerDuty's own Backstage
 * backend (@pagerduty/backstage-plugin-backend, the routes its frontend card
 * calls), in ONE Backstage backend, against ONE fake PagerDuty written from
 * PagerDuty's OpenAPI description (./fakePagerDutyFromSpec.ts), 30 ms per
 * request, the same 1,000 catalog Components over 50 PagerDuty services,
 * 16 cards at a time, alternating which plugin goes first. See
 * bench/README.md.
 *
 * The backend runs in a child process (this file with --backend) built with
 * createBackend like packages/backend, with the real catalog, auth and
 * permission plugins, so that its CPU time (process.cpuUsage) is the
 * backend's alone; this process is the browser and the fake PagerDuty.
 */
import { fork, ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ExpectedOnCall,
  FakePagerDuty,
  startFakePagerDutyFromSpec,
} from './fakePagerDutyFromSpec';
import { percentile } from './lib/stats';

const ENTITIES = 1_000;
const SERVICES = 50;
const TEAMS = 10;
const CONCURRENCY = 16;
const LATENCY_MS = 30;
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 4);
/** 10% of fake-PagerDuty requests answer 429 in the last part. */
const RATE_LIMIT_EVERY = 10;
const MULTIVAC_KEY = 'multivac-bench-key';
const PAGERDUTY_PLUGIN_KEY = 'pagerduty-plugin-bench-key';
const BENCH_USER = 'user:default/bench.user';
const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------
// The backend (child process)
// ---------------------------------------------------------------------------

interface BackendSettings {
  port: number;
  pagerDutyUrl: string;
}

function catalogEntities() {
  const location = 'url:https://bench.example/catalog-info.yaml';
  const metadata = (
    name: string,
    annotations: Record<string, string> = {},
  ) => ({
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': location,
      'backstage.io/managed-by-origin-location': location,
      ...annotations,
    },
  });
  const team = (i: number) => `team-${pad(i % TEAMS, 2)}`;
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: metadata('bench.user'),
      spec: {
        profile: { displayName: 'Bench User', email: 'bench@nimbus.example' },
        memberOf: ['team-00'],
      },
    },
    ...Array.from({ length: TEAMS }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: metadata(team(i)),
      spec: { type: 'team', children: [] },
    })),
    ...Array.from({ length: TEAMS }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: metadata(`system-${pad(i, 2)}`),
      spec: { owner: team(i) },
    })),
    ...Array.from({ length: ENTITIES }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: metadata(componentName(i), {
        'pagerduty.com/service-id': serviceIdOf(i),
      }),
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: team(i),
        system: `system-${pad(i % TEAMS, 2)}`,
      },
    })),
  ];
}

const componentName = (i: number) => `component-${pad(i, 4)}`;
const serviceIdOf = (i: number) => `PS${pad(i % SERVICES, 5)}`;

async function runBackend(settings: BackendSettings) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createBackend } = require('@backstage/backend-defaults');
  const {
    rootHttpRouterServiceFactory,
  } = require('@backstage/backend-defaults/rootHttpRouter');
  const { createBackendModule } = require('@backstage/backend-plugin-api');
  const { mockServices } = require('@backstage/backend-test-utils');
  const {
    catalogProcessingExtensionPoint,
  } = require('@backstage/plugin-catalog-node');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const requests = new Map<string, number>();
  const baseUrl = `http://localhost:${settings.port}`;
  const backend = createBackend();
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        backend: {
          baseUrl,
          listen: { port: settings.port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        auth: {
          providers: {
            guest: {
              userEntityRef: BENCH_USER,
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        catalog: {
          rules: [{ allow: ['Component', 'System', 'Group', 'User'] }],
        },
        permission: { enabled: true },
        // PagerDuty's plugin (legacy single-account keys).
        pagerDuty: {
          apiToken: PAGERDUTY_PLUGIN_KEY,
          apiBaseUrl: settings.pagerDutyUrl,
        },
        multivac: {
          pagerDuty: {
            apiToken: MULTIVAC_KEY,
            apiBaseUrl: settings.pagerDutyUrl,
            eventsBaseUrl: settings.pagerDutyUrl,
          },
        },
      },
    }),
  );
  // Counts every request the backend serves: the browser's and those
  // plugins send each other over HTTP (permission, catalog).
  backend.add(
    rootHttpRouterServiceFactory({
      configure({ app, applyDefaults }: any) {
        app.use((req: any, _res: any, next: () => void) => {
          const route = `${req.method} ${req.path
            .replace(
              /^\/api\/catalog\/entities\/by-name\/.*/,
              '/api/catalog/entities/by-name/…',
            )
            .replace(
              /^\/api\/pagerduty\/services\/[^/]+$/,
              '/api/pagerduty/services/…',
            )}`;
          requests.set(route, (requests.get(route) ?? 0) + 1);
          next();
        });
        applyDefaults();
      },
    }),
  );
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'bench-entities',
      register(reg: any) {
        reg.registerInit({
          deps: { catalog: catalogProcessingExtensionPoint },
          async init({ catalog }: any) {
            catalog.addEntityProvider({
              getProviderName: () => 'bench-entities',
              async connect(connection: any) {
                await connection.applyMutation({
                  type: 'full',
                  entities: catalogEntities().map(entity => ({
                    entity,
                    locationKey: 'bench-entities',
                  })),
                });
              },
            });
          },
        });
      },
    }),
  );
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  );
  backend.add(import('@multivac/plugin-multivac-backend'));
  backend.add(import('@multivac/plugin-multivac-backend-module-pagerduty'));
  backend.add(import('@pagerduty/backstage-plugin-backend'));
  await backend.start();

  process.on('message', (message: any) => {
    if (message === 'stats') {
      const cpu = process.cpuUsage();
      process.send!({
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssMb: process.memoryUsage().rss / 2 ** 20,
        requests: Object.fromEntries(requests),
      });
    }
  });
  process.send!('ready');
}

// ---------------------------------------------------------------------------
// The browser (this process)
// ---------------------------------------------------------------------------

interface BackendStats {
  cpuMs: number;
  rssMb: number;
  requests: Record<string, number>;
}

interface Backend {
  url: string;
  stats(): Promise<BackendStats>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function startBackend(fake: FakePagerDuty): Promise<Backend> {
  const port = await freePort();
  const settings: BackendSettings = { port, pagerDutyUrl: fake.url };
  const child: ChildProcess = fork(__filename, ['--backend'], {
    execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
    env: {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      NODE_ENV: 'production',
      BENCH_BACKEND: JSON.stringify(settings),
    },
  });
  // The CLI's TypeScript loader also sends messages ({ type: 'watch' }).
  let onStats: ((stats: BackendStats) => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: any) => {
      if (message === 'ready') {
        resolve();
      } else if (message?.cpuMs !== undefined) {
        onStats?.(message);
      }
    });
    child.once('exit', code =>
      reject(new Error(`The backend exited with ${code} before it started`)),
    );
  });
  return {
    url: `http://localhost:${port}`,
    stats: () =>
      new Promise(resolve => {
        onStats = resolve;
        child.send('stats');
      }),
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The user token the portal gets from guest sign-in. */
async function guestToken(backend: Backend): Promise<string> {
  const response = await fetch(`${backend.url}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!response.ok) {
    throw new Error(
      `Guest sign-in: ${response.status} ${await response.text()}`,
    );
  }
  return (await response.json()).backstageIdentity.token;
}

/** Waits until the catalog has every Component with its relations. */
async function waitForCatalog(backend: Backend, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backend.url}/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=group:default/team-09&limit=1000&fields=metadata.name,relations`,
      { headers },
    );
    if (response.ok) {
      const { items } = await response.json();
      const last = items.find(
        (e: any) => e.metadata.name === componentName(ENTITIES - 1),
      );
      if (items.length === ENTITIES / TEAMS && last?.relations?.length > 0) {
        return;
      }
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error('The catalog did not read the bench entities in 10 minutes');
}

type Side = 'pagerduty' | 'multivac';
const SIDE_NAME: Record<Side, string> = {
  pagerduty: "PagerDuty's plugin",
  multivac: 'Multivac',
};

interface CardResult {
  ms: number;
  error?: string;
  /** Expected people shown, of `expected`. */
  shown: number;
  expected: number;
  phones: number;
}

async function getJson(url: string, token: string, init: RequestInit = {}) {
  const response = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${response.status} ${text.slice(0, 200)}`);
  }
  return JSON.parse(text);
}

function expectedEmails(fake: FakePagerDuty, expected: ExpectedOnCall) {
  return new Set(
    expected.levels.flatMap(l => l.userIds.map(id => fake.user(id)!.email)),
  );
}

/**
 * PagerDuty's EntityPagerDutyCard: the service (GET /services/:id, which
 * its backend caches), then the on-call users of its escalation policy
 * (EscalationPolicy → GET /oncall-users); it shows their name and email.
 */
async function pagerDutyCard(
  backend: Backend,
  token: string,
  fake: FakePagerDuty,
  index: number,
): Promise<CardResult> {
  const started = performance.now();
  const expected = expectedEmails(
    fake,
    fake.expected(serviceIdOf(index), new Date()),
  );
  try {
    const { service } = await getJson(
      `${backend.url}/api/pagerduty/services/${serviceIdOf(index)}`,
      token,
    );
    if (!service?.escalation_policy?.id) {
      throw new Error(`no service in the answer: ${JSON.stringify(service)}`);
    }
    const { users } = await getJson(
      `${backend.url}/api/pagerduty/oncall-users?escalation_policy_ids[]=${service.escalation_policy.id}`,
      token,
    );
    const shown = (users as Array<{ email: string }>).filter(u =>
      expected.has(u.email),
    ).length;
    // EscalationUser renders name, email and avatar; no phone.
    return {
      ms: performance.now() - started,
      shown,
      expected: expected.size,
      phones: 0,
    };
  } catch (error) {
    return {
      ms: performance.now() - started,
      error: String(error),
      shown: 0,
      expected: expected.size,
      phones: 0,
    };
  }
}

/**
 * Multivac's OnCallCard: one GET /oncall/card, which answers who is on call,
 * the recent pages, the firing alerts and the viewer's permission to page
 * and acknowledge (decided server-side); it shows every level's people with
 * phone and email.
 */
async function multivacCard(
  backend: Backend,
  token: string,
  fake: FakePagerDuty,
  index: number,
): Promise<CardResult> {
  const started = performance.now();
  const expected = expectedEmails(
    fake,
    fake.expected(serviceIdOf(index), new Date()),
  );
  const entityRef = encodeURIComponent(
    `component:default/${componentName(index)}`,
  );
  try {
    const card = await getJson(
      `${backend.url}/api/multivac/oncall/card?entityRef=${entityRef}`,
      token,
    );
    const answer = card.onCall;
    if (!answer || !Array.isArray(card.recentPages) || !card.viewer) {
      throw new Error(`no card in the answer: ${JSON.stringify(card)}`);
    }
    const people = (
      answer.levels as Array<{
        onCall: Array<{ person: { email?: string; phone?: string } }>;
      }>
    ).flatMap(level => level.onCall.map(shift => shift.person));
    const shown = new Set(
      people.filter(p => p.email && expected.has(p.email)).map(p => p.email),
    ).size;
    return {
      ms: performance.now() - started,
      shown,
      expected: expected.size,
      phones: people.filter(p => p.phone).length,
    };
  } catch (error) {
    return {
      ms: performance.now() - started,
      error: String(error),
      shown: 0,
      expected: expected.size,
      phones: 0,
    };
  }
}

interface Pass {
  side: Side;
  cards: CardResult[];
  seconds: number;
  upstream: number;
  backendRequests: number;
  /** Per `METHOD /path`. */
  routes: Record<string, number>;
  cpuMs: number;
}

async function pass(
  side: Side,
  backend: Backend,
  token: string,
  fake: FakePagerDuty,
): Promise<Pass> {
  const key = side === 'multivac' ? MULTIVAC_KEY : PAGERDUTY_PLUGIN_KEY;
  const card = side === 'multivac' ? multivacCard : pagerDutyCard;
  const upstreamBefore = fake.requestsByKey.get(key) ?? 0;
  const before = await backend.stats();
  const cards: CardResult[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ENTITIES) {
        cards.push(await card(backend, token, fake, next++));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await backend.stats();
  const total = (stats: BackendStats) =>
    Object.values(stats.requests).reduce((a, b) => a + b, 0);
  return {
    side,
    cards,
    seconds,
    upstream: (fake.requestsByKey.get(key) ?? 0) - upstreamBefore,
    // The stats message itself is no HTTP request; nothing else runs.
    backendRequests: total(after) - total(before),
    routes: Object.fromEntries(
      Object.entries(after.requests)
        .map(([route, n]) => [route, n - (before.requests[route] ?? 0)])
        .filter(([, n]) => n !== 0),
    ),
    cpuMs: after.cpuMs - before.cpuMs,
  };
}

interface Figures {
  upstreamCold: number;
  upstreamWarm: number;
  shownShare: number;
  phonesPerCard: number;
  p50: number;
  p95: number;
  cardsPerSecond: number;
  cpuMsPerCard: number;
  backendRequestsPerCard: number;
  routesPerCard: Record<string, number>;
  errorsCold: number;
  errorsWarm: number;
}

function figures(cold: Pass, warm: Pass[]): Figures {
  const warmCards = warm.flatMap(p => p.cards);
  const all = [...cold.cards, ...warmCards];
  const sum = (f: (p: Pass) => number) => warm.reduce((a, p) => a + f(p), 0);
  return {
    upstreamCold: cold.upstream / cold.cards.length,
    upstreamWarm: sum(p => p.upstream) / warmCards.length,
    shownShare:
      all.reduce((a, c) => a + c.shown, 0) /
      all.reduce((a, c) => a + c.expected, 0),
    phonesPerCard: all.reduce((a, c) => a + c.phones, 0) / all.length,
    p50: percentile(
      warmCards.map(c => c.ms),
      50,
    ),
    p95: percentile(
      warmCards.map(c => c.ms),
      95,
    ),
    cardsPerSecond: warmCards.length / sum(p => p.seconds),
    cpuMsPerCard: sum(p => p.cpuMs) / warmCards.length,
    backendRequestsPerCard: sum(p => p.backendRequests) / warmCards.length,
    routesPerCard: warm
      .flatMap(p => Object.entries(p.routes))
      .reduce<Record<string, number>>((acc, [route, n]) => {
        acc[route] = (acc[route] ?? 0) + n / warmCards.length;
        return acc;
      }, {}),
    errorsCold: cold.cards.filter(c => c.error).length / cold.cards.length,
    errorsWarm: warmCards.filter(c => c.error).length / warmCards.length,
  };
}

/** Cold passes (PagerDuty's plugin first), then warm rounds, alternating. */
async function run(
  backend: Backend,
  token: string,
  fake: FakePagerDuty,
  warmRounds: number,
) {
  const sides: Side[] = ['pagerduty', 'multivac'];
  const cold = new Map<Side, Pass>();
  const warm = new Map<Side, Pass[]>(sides.map(s => [s, []]));
  for (const side of sides) {
    cold.set(side, await pass(side, backend, token, fake));
  }
  for (let round = 0; round < warmRounds; round++) {
    const order = round % 2 === 0 ? [...sides].reverse() : sides;
    for (const side of order) {
      warm.get(side)!.push(await pass(side, backend, token, fake));
    }
  }
  return new Map(
    sides.map(side => [side, figures(cold.get(side)!, warm.get(side)!)]),
  );
}

/** Warms the JIT, auth and permission paths without asking PagerDuty. */
async function warmUp(backend: Backend, token: string) {
  for (let i = 0; i < 100; i++) {
    await Promise.all([
      getJson(`${backend.url}/api/multivac/oncall/schedules?days=1`, token),
      getJson(`${backend.url}/api/pagerduty/health`, token),
    ]);
  }
}

async function main() {
  const fake = await startFakePagerDutyFromSpec({
    account: { serviceCount: SERVICES },
    apiKeys: [MULTIVAC_KEY, PAGERDUTY_PLUGIN_KEY],
    latencyMs: LATENCY_MS,
  });
  console.log(
    `On-call card side by side: ${ENTITIES} Components over ${SERVICES} PagerDuty services, ${CONCURRENCY} cards at a time, fake PagerDuty (from the OpenAPI description) answering in ${LATENCY_MS} ms; one backend (createBackend: catalog, auth, permission, multivac + PagerDuty module, @pagerduty/backstage-plugin-backend 0.14.0); cold pass each, then ${WARM_ROUNDS} warm rounds alternating which goes first`,
  );
  let backend = await startBackend(fake);
  const problems: string[] = [];
  try {
    let token = await guestToken(backend);
    await waitForCatalog(backend, token);
    await warmUp(backend, token);
    const started = await backend.stats();
    console.log(
      `backend RSS after start and catalog ingestion: ${started.rssMb.toFixed(
        0,
      )} MB`,
    );
    const results = await run(backend, token, fake, WARM_ROUNDS);
    printTable(results);
    for (const [side, f] of results) {
      if (f.errorsCold + f.errorsWarm > 0) {
        problems.push(
          `${SIDE_NAME[side]}: cards with an error without rate limiting`,
        );
      }
    }
    await backend.stop();

    // 429s: a fresh backend (cold caches), 10% of PagerDuty's answers 429.
    fake.setRateLimitEvery(RATE_LIMIT_EVERY);
    backend = await startBackend(fake);
    token = await guestToken(backend);
    await waitForCatalog(backend, token);
    const limited = await run(backend, token, fake, 1);
    console.log(
      `\nWith every ${RATE_LIMIT_EVERY}th fake-PagerDuty request answering 429 (${fake.rateLimited} answered 429), fresh backend, one cold and one warm pass each:`,
    );
    for (const [side, f] of limited) {
      console.log(
        `${SIDE_NAME[side]}: cards showing an error: cold ${percent(
          f.errorsCold,
        )}, warm ${percent(f.errorsWarm)}; people shown ${percent(
          f.shownShare,
        )}; p95 warm ${f.p95.toFixed(0)} ms`,
      );
    }
  } finally {
    await backend.stop();
    await fake.close();
  }
  for (const problem of problems) {
    console.log(`FAIL ${problem}`);
  }
  if (problems.length > 0) {
    process.exitCode = 1;
  }
}

const percent = (share: number) =>
  `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)}%`;

function printTable(results: Map<Side, Figures>) {
  const pd = results.get('pagerduty')!;
  const mv = results.get('multivac')!;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows: Array<[string, string, string, string]> = [
    [
      'upstream PagerDuty requests, cold / warm',
      `${pd.upstreamCold.toFixed(3)} / ${pd.upstreamWarm.toFixed(3)}`,
      `${mv.upstreamCold.toFixed(3)} / ${mv.upstreamWarm.toFixed(3)}`,
      mv.upstreamCold > 0
        ? `${(pd.upstreamCold / mv.upstreamCold).toFixed(0)}× fewer cold`
        : 'none',
    ],
    [
      'people on call shown (share of expected), phones per card',
      `${percent(pd.shownShare)}, ${pd.phonesPerCard.toFixed(1)}`,
      `${percent(mv.shownShare)}, ${mv.phonesPerCard.toFixed(1)}`,
      '',
    ],
    [
      'latency p50 / p95, warm',
      `${pd.p50.toFixed(1)} / ${pd.p95.toFixed(1)} ms`,
      `${mv.p50.toFixed(1)} / ${mv.p95.toFixed(1)} ms`,
      `p95 ${ratio(mv.p95, pd.p95)}`,
    ],
    [
      'throughput, warm',
      `${pd.cardsPerSecond.toFixed(0)} cards/s`,
      `${mv.cardsPerSecond.toFixed(0)} cards/s`,
      ratio(mv.cardsPerSecond, pd.cardsPerSecond),
    ],
    [
      'backend CPU per card, warm',
      `${pd.cpuMsPerCard.toFixed(2)} ms`,
      `${mv.cpuMsPerCard.toFixed(2)} ms`,
      ratio(mv.cpuMsPerCard, pd.cpuMsPerCard),
    ],
    [
      'backend HTTP requests per card (browser + plugin-to-plugin)',
      pd.backendRequestsPerCard.toFixed(2),
      mv.backendRequestsPerCard.toFixed(2),
      '',
    ],
  ];
  console.log(
    `\n| per card | PagerDuty's plugin | Multivac | Multivac / PagerDuty's plugin |`,
  );
  console.log('|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.join(' | ')} |`);
  }
  for (const [side, f] of results) {
    console.log(
      `${SIDE_NAME[side]}, backend requests per warm card: ${Object.entries(
        f.routesPerCard,
      )
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([route, n]) => `${route} ${n.toFixed(2)}`)
        .join(', ')}`,
    );
  }
}

if (process.argv.includes('--backend')) {
  runBackend(JSON.parse(process.env.BENCH_BACKEND!)).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main()
    .catch(error => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
}
