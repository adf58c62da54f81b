import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import knexFactory, { Knex } from 'knex';
import { transactionOf, Transaction } from '../database/Transaction';
import { waitFor } from '../__testUtils__/waitFor';
import { LiveUpdates } from './LiveUpdates';

const at = new Date('2026-12-05T00:10:00Z');

function setUp(
  options: {
    publish?: (signal: SignalPayload) => Promise<void>;
    pages?: Record<string, any>;
  } = {},
) {
  const published: SignalPayload[] = [];
  const signals = {
    publish: jest.fn(async (signal: SignalPayload) => {
      await options.publish?.(signal);
      published.push(signal);
    }),
  };
  const logger = mockServices.logger.mock();
  const live = new LiveUpdates(
    signals,
    logger,
    async id => options.pages?.[id],
    () => at,
  );
  const fanOut = {
    calls: [] as unknown[][],
    subscriberIds: ['slack'],
    async changed(
      subject: { id: string; incidentId?: string },
      change: string,
      key: string,
      tx?: Transaction,
    ) {
      this.calls.push([subject, change, key, tx]);
    },
  };
  return { published, signals, logger, live, fanOut };
}

describe('LiveUpdates', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
  });
  afterAll(() => knex.destroy());

  it('signals an incident change on its channel and the list channel, without content', async () => {
    const { published, live, fanOut } = setUp();
    const incidents = live.incidents(fanOut);
    await incidents.changed(
      { id: 'event-1', incidentId: 'inc-1' },
      'status_changed',
      'event',
    );
    // The fan-out still runs, and the rest of it is untouched.
    expect(fanOut.calls).toEqual([
      [
        { id: 'event-1', incidentId: 'inc-1' },
        'status_changed',
        'event',
        undefined,
      ],
    ]);
    expect(incidents.subscriberIds).toEqual(['slack']);
    await waitFor(() => published.length === 2);
    const message = { kind: 'incident', id: 'inc-1', at: at.toISOString() };
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'multivac:incident:inc-1',
        message,
      },
      {
        recipients: { type: 'broadcast' },
        channel: 'multivac:incidents',
        message,
      },
    ]);
  });

  it('publishes only once the change has committed, and never a rolled-back one', async () => {
    const { published, live, fanOut } = setUp();
    const incidents = live.incidents(fanOut);

    await knex.transaction(async trx => {
      await incidents.changed(
        { id: 'event-1', incidentId: 'committed' },
        'note',
        'event',
        transactionOf(trx),
      );
      // Readers would not see the change yet: nothing is published.
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(published).toEqual([]);
    });
    await waitFor(() => published.length === 2);

    await expect(
      knex.transaction(async trx => {
        await incidents.changed(
          { id: 'event-2', incidentId: 'rolled-back' },
          'note',
          'event',
          transactionOf(trx),
        );
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(published.map(p => p.channel)).toEqual([
      'multivac:incident:committed',
      'multivac:incidents',
    ]);
  });

  it('tells the entity, the report and the incident of a page', async () => {
    const { published, live, fanOut } = setUp({
      pages: {
        'page-1': {
          entityRef: 'component:default/payments-api',
          reportId: 'rpt-1',
          incidentId: 'inc-1',
        },
      },
    });
    await live.pages(fanOut).changed({ id: 'page-1' }, 'acknowledged', '');
    await waitFor(() => published.length === 4);
    expect(published.map(p => p.channel)).toEqual([
      'multivac:pages',
      'multivac:pages:component:default/payments-api',
      'multivac:report:rpt-1',
      'multivac:incident:inc-1',
    ]);
    expect(published[0].message).toEqual({
      kind: 'page',
      id: 'page-1',
      at: at.toISOString(),
    });
  });

  it('signals reports, and post-mortems on their incident', async () => {
    const { published, live, fanOut } = setUp();
    await live.reports(fanOut).changed({ id: 'rpt-1' }, 'paged', 'p1');
    await live
      .postmortems(fanOut)
      .changed({ id: 'pm-1', incidentId: 'inc-1' }, 'status', 'draft');
    await waitFor(() => published.length === 3);
    expect(published.map(p => [p.channel, p.message.kind])).toEqual([
      ['multivac:report:rpt-1', 'report'],
      ['multivac:reports', 'report'],
      ['multivac:incident:inc-1', 'postmortem'],
    ]);
  });

  it('logs a failed publication without failing the change', async () => {
    const { live, fanOut, logger } = setUp({
      publish: async () => {
        throw new Error('events bus down');
      },
    });
    await expect(
      live
        .incidents(fanOut)
        .changed({ id: 'event-1', incidentId: 'inc-1' }, 'note', 'event'),
    ).resolves.toBeUndefined();
    await waitFor(() => (logger.warn as jest.Mock).mock.calls.length > 0);
    expect((logger.warn as jest.Mock).mock.calls[0][0]).toMatch(
      /could not publish a live update for event-1: .*events bus down/,
    );
  });

  it('leaves the fan-out as it is without a signals service', () => {
    const live = new LiveUpdates(
      undefined,
      mockServices.logger.mock(),
      async () => undefined,
    );
    const fanOut = { changed: async () => {} };
    expect(live.incidents(fanOut)).toBe(fanOut);
  });
});
