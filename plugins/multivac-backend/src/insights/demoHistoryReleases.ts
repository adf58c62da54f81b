import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** The demo catalog's teams and the services they release (examples/). */
const RELEASING_TEAMS = [
  {
    group: 'payments',
    services: ['payments-api', 'ledger-service', 'fraud-detector'],
  },
  {
    group: 'storefront',
    services: ['checkout-web', 'cart-service', 'product-catalog'],
  },
  {
    group: 'platform',
    services: ['identity-service', 'api-gateway', 'notification-service'],
  },
] as const;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The demo history's production releases: each service releases on about
 * a third of the working days (09:00–16:00 UTC, 20–60 minutes), and about
 * one release in twenty-five is rolled back. Which ones fail besides the
 * rollbacks follows from the demo incidents after them. Titled "Demo:",
 * created by `actor`; only windows that ended before `now`. Its own random
 * sequence, so the incidents stay as they were. Writes nothing when the
 * calendar has releases already. Returns how many it wrote.
 */
export async function seedDemoReleases(
  tx: Knex.Transaction,
  options: { start: number; days: number; now: Date; actor: string },
): Promise<number> {
  const [{ n }] = await tx('multivac_releases').count({ n: '*' });
  if (Number(n) > 0) {
    return 0;
  }
  const next = random(20261205);
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows: Array<Record<string, unknown>> = [];
  for (let day = 0; day < options.days; day++) {
    const date = new Date(options.start + day * 86_400_000);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    for (const team of RELEASING_TEAMS) {
      for (const service of team.services) {
        if (weekend || next() >= 0.33) {
          continue;
        }
        const start =
          options.start +
          day * 86_400_000 +
          Math.floor((9 + next() * 7) * 4) * 15 * 60_000;
        const end = start + (20 + Math.floor(next() * 41)) * 60_000;
        const rolledBack = next() < 0.04;
        if (end > options.now.getTime()) {
          continue;
        }
        rows.push({
          id: randomUUID(),
          entity_ref: `component:default/${service}`,
          environment: 'production',
          start_at: iso(start),
          end_at: iso(end),
          status: rolledBack ? 'rolled_back' : 'done',
          owner_ref: `group:default/${team.group}`,
          links: '[]',
          notes:
            'Generated demo history (multivac.demo.history); not a real release.',
          created_by: options.actor,
          created_at: iso(start - 86_400_000),
          updated_at: iso(end),
          status_history: JSON.stringify([
            {
              status: 'planned',
              at: iso(start - 86_400_000),
              by: options.actor,
            },
            { status: 'in_progress', at: iso(start), by: options.actor },
            {
              status: rolledBack ? 'rolled_back' : 'done',
              at: iso(end),
              by: options.actor,
              ...(rolledBack && { note: 'Demo: error rate doubled' }),
            },
          ]),
        });
      }
    }
  }
  rows.sort((a, b) => String(a.start_at).localeCompare(String(b.start_at)));
  rows.forEach((row, i) => {
    row.number = i + 1;
    row.title = `Demo: ${String(row.entity_ref).split('/')[1]} release ${
      i + 1
    }`;
  });
  for (let i = 0; i < rows.length; i += 200) {
    await tx('multivac_releases').insert(rows.slice(i, i + 200));
  }
  await tx('multivac_counters')
    .where({ name: 'release_number' })
    .update({ value: rows.length });
  return rows.length;
}
