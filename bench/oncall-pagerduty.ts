/*
 * How fast Multivac answers "who is on call" from PagerDuty, and what that
 * costs upstream: 1,000 catalog components spread over 50 PagerDuty services,
 * resolved through PagerDutyOnCallProvider against the local fake PagerDuty,
 * once with a cold cache and once with a warm one. See bench/README.md.
 */
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ANNOTATION_PAGERDUTY_SERVICE_ID } from '@multivac/plugin-multivac-common';
import {
  FakeOnCall,
  FakePagerDutyData,
  FakeResource,
  startFakePagerDuty,
} from '../plugins/multivac-backend-module-pagerduty/src/__testUtils__/fakePagerDuty';
import { PagerDutyClient } from '../plugins/multivac-backend-module-pagerduty/src/client/PagerDutyClient';
import { PagerDutyOnCallProvider } from '../plugins/multivac-backend-module-pagerduty/src/PagerDutyOnCallProvider';

const SERVICES = 50;
const ENTITIES = 1_000;
/** Lookups in flight at once, like a catalog page of on-call cards. */
const CONCURRENCY = 16;
const CACHE_TTL_SECONDS = 60;
/**
 * What one service may cost with a cold cache: its service, its escalation
 * policy, one page of on-calls, and one user per level plus the next shift
 * (users are shared between services, so fewer in practice).
 */
const MAX_COLD_CALLS_PER_SERVICE = 3 + 4;
const DAY_MS = 24 * 3_600_000;

const pad = (n: number) => String(n).padStart(2, '0');
const ref = (id: string, type: string) => ({ id, type, summary: id });

/**
 * Service i escalates to policy i: level 1 a weekly schedule (user i now,
 * user i+1 next), level 2 user i+2 targeted directly, level 3 a monthly
 * schedule (user i+3).
 */
function pagerDutyAccount(now: number): FakePagerDutyData {
  const users: FakeResource[] = [];
  const services: FakeResource[] = [];
  const escalationPolicies: FakeResource[] = [];
  const oncalls: FakeOnCall[] = [];
  const userId = (i: number) => `PUSER${pad(i % SERVICES)}`;
  const at = (days: number) => new Date(now + days * DAY_MS).toISOString();
  for (let i = 0; i < SERVICES; i++) {
    users.push({
      id: userId(i),
      type: 'user',
      name: `Responder ${pad(i)}`,
      email: `responder${pad(i)}@nimbus.example`,
      contact_methods: [
        {
          id: `PCM${pad(i)}`,
          type: 'phone_contact_method',
          country_code: 1,
          address: `50355501${pad(i)}`,
        },
      ],
    });
    const policy = ref(`PEP${pad(i)}`, 'escalation_policy_reference');
    services.push({
      id: `PSVC${pad(i)}`,
      type: 'service',
      name: `Service ${pad(i)}`,
      escalation_policy: policy,
    });
    escalationPolicies.push({
      id: policy.id,
      type: 'escalation_policy',
      name: `Escalation ${pad(i)}`,
      escalation_rules: [30, 15, 60].map(delay => ({
        escalation_delay_in_minutes: delay,
        targets: [],
      })),
    });
    const weekly = ref(`PSCHW${pad(i)}`, 'schedule_reference');
    const monthly = ref(`PSCHM${pad(i)}`, 'schedule_reference');
    const onCall = (
      user: number,
      level: number,
      schedule: typeof weekly | null,
      start: string | null,
      end: string | null,
    ): FakeOnCall => ({
      user: ref(userId(user), 'user_reference'),
      escalation_policy: policy,
      schedule,
      escalation_level: level,
      start,
      end,
    });
    oncalls.push(
      onCall(i, 1, weekly, at(-1), at(6)),
      onCall(i + 1, 1, weekly, at(6), at(13)),
      onCall(i + 2, 2, null, null, null),
      onCall(i + 3, 3, monthly, at(-10), at(20)),
    );
  }
  return {
    apiToken: 'bench-token',
    services,
    escalationPolicies,
    users,
    oncalls,
  };
}

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
  const fake = await startFakePagerDuty(pagerDutyAccount(now));
  try {
    const clients = PagerDutyClient.fromConfig(
      new ConfigReader({
        multivac: {
          pagerDuty: {
            apiToken: 'bench-token',
            apiBaseUrl: fake.url,
            eventsBaseUrl: fake.url,
            cacheTtlSeconds: CACHE_TTL_SECONDS,
          },
        },
      }),
    );
    const provider = new PagerDutyOnCallProvider(clients);
    const { stats } = clients.get('default')!;
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
    console.log(
      `upstream calls per service per TTL: ${(coldCalls / SERVICES).toFixed(
        2,
      )} (at most ${MAX_COLD_CALLS_PER_SERVICE}); ` +
        `fake PagerDuty received ${fake.requests.length} requests`,
    );

    const failures = [
      ...(warmCalls === 0
        ? []
        : [`the warm pass made ${warmCalls} upstream calls, expected 0`]),
      ...(coldCalls <= MAX_COLD_CALLS_PER_SERVICE * SERVICES
        ? []
        : [
            `the cold pass made ${coldCalls} upstream calls, expected at most ` +
              `${MAX_COLD_CALLS_PER_SERVICE * SERVICES}`,
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

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
