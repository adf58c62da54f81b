/*
 * How fast Multivac answers "who is on call" from PagerDuty, and what that
 * costs upstream: 1,000 catalog components spread over 50 PagerDuty services,
 * resolved through PagerDutyOnCallProvider against the local fake PagerDuty,
 * once with a cold cache and once with a warm one. See bench/README.md.
 */
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ANNOTATION_PAGERDUTY_SERVICE_ID } from '@multivac/plugin-multivac-common';
import { startFakePagerDuty } from '../plugins/multivac-backend-module-pagerduty/src/__testUtils__/fakePagerDuty';
import { serviceFleet } from '../plugins/multivac-backend-module-pagerduty/src/__testUtils__/fixtures';
import { pagerDutyClientsFromConfig } from '../plugins/multivac-backend-module-pagerduty/src/client/pagerDutyConfig';
import { PagerDutyOnCallProvider } from '../plugins/multivac-backend-module-pagerduty/src/PagerDutyOnCallProvider';

const SERVICES = 50;
const ENTITIES = 1_000;
/** Lookups in flight at once, like a catalog page of on-call cards. */
const CONCURRENCY = 16;
const CACHE_TTL_SECONDS = 60;
/**
 * The product's budget: the on-call card costs at most one upstream call per
 * service per cache TTL, however many entities point at the service.
 */
const MAX_CALLS_PER_SERVICE_PER_TTL = 1;

const pad = (n: number) => String(n).padStart(2, '0');

function components(): Entity[] {
  return Array.from({ length: ENTITIES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `component-${String(i).padStart(4, '0')}`,
      annotations: {
        [ANNOTATION_PAGERDUTY_SERVICE_ID]: `PSVC${pad(i % SERVICES)}`,
      },
    },
    spec: { owner: 'platform' },
  }));
}

/** Resolves every entity, CONCURRENCY at a time; checks each answer. */
async function pass(
  provider: PagerDutyOnCallProvider,
  entities: Entity[],
  at: Date,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < entities.length) {
      const entity = entities[next++];
      const answer = await provider.getOnCall(entity, at);
      const service = Number(
        entity.metadata.annotations![ANNOTATION_PAGERDUTY_SERVICE_ID].slice(4),
      );
      const levelOne = answer.levels[0]?.onCall[0]?.person.name;
      if (
        answer.levels.length !== 3 ||
        levelOne !== `Responder ${pad(service)}`
      ) {
        throw new Error(
          `Wrong answer for ${entity.metadata.name}: ${JSON.stringify(answer)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

async function main() {
  const now = Date.now();
  const fake = await startFakePagerDuty(serviceFleet(SERVICES, new Date(now)));
  try {
    const clients = pagerDutyClientsFromConfig(
      new ConfigReader({
        multivac: {
          pagerDuty: {
            apiToken: 'fleet-token',
            apiBaseUrl: fake.url,
            eventsBaseUrl: fake.url,
            cacheTtlSeconds: CACHE_TTL_SECONDS,
          },
        },
      }),
    );
    const provider = new PagerDutyOnCallProvider(clients);
    const { stats } = clients.get('default')!.rest;
    const entities = components();
    // One moment for both passes, as when a page of cards asks together.
    const at = new Date(now);

    const coldSeconds = await pass(provider, entities, at);
    const coldCalls = stats.upstreamCalls;
    const warmSeconds = await pass(provider, entities, at);
    const warmCalls = stats.upstreamCalls - coldCalls;

    const rate = (seconds: number) =>
      Math.round(ENTITIES / seconds).toLocaleString('en-US');
    console.log(
      `PagerDuty on-call: ${ENTITIES} entities over ${SERVICES} services, ` +
        `${CONCURRENCY} lookups at a time, cache TTL ${CACHE_TTL_SECONDS}s`,
    );
    console.log(
      `cold cache: ${rate(coldSeconds)} lookups/s ` +
        `(${coldSeconds.toFixed(2)}s), ${coldCalls} upstream calls`,
    );
    console.log(
      `warm cache: ${rate(warmSeconds)} lookups/s ` +
        `(${warmSeconds.toFixed(2)}s), ${warmCalls} upstream calls`,
    );
    const callsPerService = coldCalls / SERVICES;
    console.log(
      `upstream calls per service per TTL: ${callsPerService.toFixed(2)} ` +
        `(at most ${MAX_CALLS_PER_SERVICE_PER_TTL.toFixed(2)}); ` +
        `fake PagerDuty received ${fake.requests.length} requests: ` +
        callSummary(fake.requests),
    );

    const failures = [
      ...(warmCalls === 0
        ? []
        : [`the warm pass made ${warmCalls} upstream calls, expected 0`]),
      ...(callsPerService <= MAX_CALLS_PER_SERVICE_PER_TTL
        ? []
        : [
            `the cold pass made ${callsPerService.toFixed(2)} upstream calls ` +
              `per service, expected at most ${MAX_CALLS_PER_SERVICE_PER_TTL}`,
          ]),
      ...(fake.requests.length === stats.upstreamCalls
        ? []
        : [
            `the client counted ${stats.upstreamCalls} upstream calls, ` +
              `the fake received ${fake.requests.length}`,
          ]),
    ];
    for (const failure of failures) {
      console.error(`FAILED: ${failure}`);
    }
    process.exitCode = failures.length > 0 ? 1 : 0;
  } finally {
    await fake.close();
  }
}

/** Requests the fake received, by method and path: `GET /services ×1, ...`. */
function callSummary(requests: Array<{ method: string; path: string }>) {
  const counts = new Map<string, number>();
  for (const { method, path } of requests) {
    const call = `${method} ${path}`;
    counts.set(call, (counts.get(call) ?? 0) + 1);
  }
  return [...counts].map(([call, count]) => `${call} ×${count}`).join(', ');
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
