import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/migrations';
import { transactionOf } from '../database/Transaction';
import {
  AlertIntegrations,
  INTEGRATION_CACHE_TTL_MS,
} from './AlertIntegrations';
import { DatabaseIntegrationStore } from './DatabaseIntegrationStore';
import { AlertIntegration } from './integrations';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const configured: AlertIntegration = {
  id: 'prom',
  name: 'Prometheus',
  vendor: 'alertmanager',
  managedBy: 'config',
  secrets: ['config-secret-0123456789'],
  hashedSecrets: [],
  rules: [],
  urgency: {},
  groupWindowMinutes: 10,
  signatureHeader: 'x-grafana-alerting-signature',
  timestampHeader: 'x-grafana-alerting-timestamp',
};

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const body = Buffer.from('{}');

describe.each(databases.eachSupportedId())('alert integrations on %s', id => {
  let knex: Knex;
  let now: number;
  /** One replica: its own registry (and cache) over the shared database. */
  const replica = () =>
    new AlertIntegrations({
      configured: [configured],
      store: new DatabaseIntegrationStore(knex),
      now: () => now,
    });
  const accepts = async (
    integrations: AlertIntegrations,
    integrationId: string,
    secret: string,
  ) =>
    (await integrations.authenticate(integrationId, bearer(secret), body))
      .verdict.ok;

  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateDatabase(knex);
    now = Date.parse('2026-12-04T10:00:00Z');
  });

  it('stores only a salted hash of the secret', async () => {
    const { secret } = await replica().create(
      { id: 'am', name: 'AM', vendor: 'alertmanager' },
      'user:default/ada',
    );
    const rows = await knex('multivac_alert_integrations').select();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows[0].secret_hash).toMatch(/^[0-9a-f]{32}:[0-9a-f]{64}$/);
    // Two integrations never share a hash, even for one secret (salt).
    const other = await replica().create(
      { id: 'am2', name: 'AM', vendor: 'alertmanager' },
      'user:default/ada',
    );
    expect(other.secret).not.toBe(secret);
  });

  it('an integration created on one replica accepts deliveries on another; a rotation is seen at once, its grace ends on time on both', async () => {
    const a = replica();
    const b = replica();
    // B looked before it existed: a remembered "none" must not hide it.
    await expect(b.get('am')).rejects.toThrow(NotFoundError);
    const { secret: first } = await a.create(
      { id: 'am', name: 'AM', vendor: 'alertmanager' },
      'user:default/ada',
    );
    expect(await accepts(b, 'am', first)).toBe(true);

    const { secret: second } = await a.rotate('am', 10);
    // B still caches the old record, yet takes the new secret right away.
    expect(await accepts(b, 'am', second)).toBe(true);
    expect(await accepts(b, 'am', first)).toBe(true);
    expect(await accepts(a, 'am', first)).toBe(true);

    now += 10 * 60_000 + 1;
    expect(await accepts(a, 'am', first)).toBe(false);
    expect(await accepts(b, 'am', first)).toBe(false);
    expect(await accepts(b, 'am', second)).toBe(true);
    expect(await accepts(a, 'am', 'mvs_not-a-secret')).toBe(false);
  });

  it('deletes portal integrations only; a deletion reaches other replicas within the cache TTL', async () => {
    const a = replica();
    const b = replica();
    const { secret } = await a.create(
      { id: 'gone', name: 'Gone', vendor: 'generic' },
      'user:default/ada',
    );
    expect(await accepts(b, 'gone', secret)).toBe(true);
    await a.delete('gone');
    await expect(a.get('gone')).rejects.toThrow(NotFoundError);
    now += INTEGRATION_CACHE_TTL_MS;
    await expect(b.get('gone')).rejects.toThrow(NotFoundError);
    await expect(a.delete('gone')).rejects.toThrow(NotFoundError);
    await expect(a.delete('prom')).rejects.toThrow(ConflictError);
    await expect(a.rotate('prom', 60)).rejects.toThrow(ConflictError);
    await expect(
      a.create(
        { id: 'prom', name: 'x', vendor: 'generic' },
        'user:default/ada',
      ),
    ).rejects.toThrow(ConflictError);
    await a.create({ id: 'x', name: 'x', vendor: 'generic' }, 'ada');
    await expect(
      b.create({ id: 'x', name: 'x', vendor: 'generic' }, 'ada'),
    ).rejects.toThrow(ConflictError);
    expect((await b.list()).map(i => [i.id, i.managedBy])).toEqual([
      ['prom', 'config'],
      ['x', 'portal'],
    ]);
  });

  it('finds the report a ticket became', async () => {
    const store = new DatabaseIntegrationStore(knex);
    const ticket = { integrationId: 'zd', ticketId: '35436', reportId: 'r1' };
    await knex.transaction(tx => store.recordTicket(transactionOf(tx), ticket));
    expect(await store.ticketReport('zd', '35436')).toBe('r1');
    expect(await store.ticketReport('zd', '1')).toBeUndefined();
    expect(await store.ticketReport('other', '35436')).toBeUndefined();
  });
});
