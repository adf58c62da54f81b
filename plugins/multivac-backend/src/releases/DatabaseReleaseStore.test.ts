import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseFeedTokenStore } from './DatabaseFeedTokenStore';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import { NewRelease } from './ReleaseStore';
import { migrateDatabase } from '../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ada = 'user:default/ada.lovelace';
const ci = 'service:external:github-actions';
const payments = 'component:default/payments-api';
const ledger = 'component:default/ledger-service';

const release = (overrides: Partial<NewRelease> = {}): NewRelease => ({
  entityRef: payments,
  title: 'v2.4.1',
  environment: 'production',
  start: '2026-11-24T14:00:00Z',
  end: '2026-11-24T14:30:00Z',
  ownerRef: 'group:default/payments',
  links: [],
  notes: '',
  ...overrides,
});

describe.each(databases.eachSupportedId())('DatabaseReleaseStore on %s', id => {
  let knex: Knex;
  let store: DatabaseReleaseStore;

  beforeEach(async () => {
    knex = await databases.init(id);
    // the plugin's migrations, releases included
    await migrateDatabase(knex);
    store = new DatabaseReleaseStore(knex);
  });

  it('books a release with a REL number and finds it by id, reference and number', async () => {
    const created = await store.create(
      release({
        start: '2026-11-24T15:00:00+01:00',
        end: '2026-11-24T15:30:00+01:00',
        links: [
          { kind: 'ci', url: 'https://ci.example.com/runs/7' },
          {
            kind: 'changelog',
            url: 'https://git.example.com/compare/v2.4.0...v2.4.1',
            title: 'Changes',
          },
        ],
        notes: 'Feature flag stays off',
        forced: {
          reason: 'Hotfix for checkout',
          by: ci,
          at: '2026-11-24T13:00:00.000Z',
          conflicts: [],
        },
      }),
      ci,
    );
    expect(created).toMatchObject({
      number: 1,
      reference: 'REL-1',
      entityRef: payments,
      title: 'v2.4.1',
      environment: 'production',
      start: '2026-11-24T14:00:00.000Z',
      end: '2026-11-24T14:30:00.000Z',
      status: 'planned',
      ownerRef: 'group:default/payments',
      notes: 'Feature flag stays off',
      createdBy: ci,
      history: [{ status: 'planned', by: ci }],
      forced: { reason: 'Hotfix for checkout', by: ci },
    });
    expect(created.links).toHaveLength(2);
    expect(created.links[1].title).toBe('Changes');

    const second = await store.create(release({ title: 'v2.5.0' }), ada);
    expect(second.reference).toBe('REL-2');
    expect(second.forced).toBeUndefined();
    expect((await store.get(second.id))?.title).toBe('v2.5.0');
    expect((await store.get('rel-2'))?.id).toBe(second.id);
    expect((await store.get('2'))?.id).toBe(second.id);
    expect(await store.get('REL-9')).toBeUndefined();
    expect(await store.get('no-such-id')).toBeUndefined();
  });

  it('gives concurrent bookings consecutive numbers', async () => {
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.create(release({ title: `v${i}` }), ada),
      ),
    );
    expect(created.map(r => r.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });

  it('finds active releases overlapping a window in one environment, not touching ones', async () => {
    const at = (hhmm: string) => `2026-11-24T${hhmm}:00Z`;
    const overlapping = await store.create(
      release({ start: at('13:50'), end: at('14:10') }),
      ada,
    );
    const inside = await store.create(
      release({ entityRef: ledger, start: at('14:10'), end: at('14:20') }),
      ada,
    );
    const long = await store.create(
      release({ start: '2026-11-22T16:00:00Z', end: at('14:01') }),
      ada,
    );
    await store.create(release({ start: at('13:00'), end: at('14:00') }), ada); // ends as it starts
    await store.create(release({ start: at('14:30'), end: at('15:00') }), ada); // starts as it ends
    await store.create(release({ environment: 'staging' }), ada);
    const cancelled = await store.create(release(), ada);
    await store.transition(cancelled.id, { to: 'cancelled', actor: ada });
    const done = await store.create(release(), ada);
    await store.transition(done.id, { to: 'done', actor: ada });
    const started = await store.create(release(), ada);
    await store.transition(started.id, { to: 'in_progress', actor: ada });

    const found = await store.findOverlapping({
      environment: 'production',
      start: at('14:00'),
      end: '2026-11-24T15:30:00+01:00',
    });
    expect(found.map(r => r.reference).sort()).toEqual(
      [overlapping, inside, long, started].map(r => r.reference).sort(),
    );
    const withoutItself = await store.findOverlapping({
      environment: 'production',
      start: at('14:00'),
      end: at('14:30'),
      excludeId: inside.id,
    });
    expect(withoutItself.map(r => r.id)).not.toContain(inside.id);
    expect(withoutItself).toHaveLength(3);
  });

  it('lists by window, entity, environment and status, in start order', async () => {
    const a = await store.create(
      release({ start: '2026-11-24T10:00:00Z', end: '2026-11-24T11:00:00Z' }),
      ada,
    );
    const b = await store.create(
      release({
        entityRef: ledger,
        environment: 'staging',
        start: '2026-11-24T08:00:00Z',
        end: '2026-11-24T09:00:00Z',
      }),
      ada,
    );
    const c = await store.create(
      release({ start: '2026-11-25T10:00:00Z', end: '2026-11-25T11:00:00Z' }),
      ada,
    );
    await store.transition(c.id, { to: 'cancelled', actor: ada });

    const all = await store.list({ limit: 10, offset: 0 });
    expect(all.items.map(r => r.id)).toEqual([b.id, a.id, c.id]);
    expect(all.totalCount).toBe(3);
    const page = await store.list({ limit: 1, offset: 1 });
    expect(page.items.map(r => r.id)).toEqual([a.id]);
    expect(page.totalCount).toBe(3);

    const day = await store.list({
      from: '2026-11-24T09:00:00Z', // b ends exactly then
      to: '2026-11-25T10:00:00Z', // c starts exactly then
      limit: 10,
      offset: 0,
    });
    expect(day.items.map(r => r.id)).toEqual([a.id]);
    expect(
      (
        await store.list({ entityRefs: [ledger], limit: 10, offset: 0 })
      ).items.map(r => r.id),
    ).toEqual([b.id]);
    expect(
      (
        await store.list({
          environments: ['production'],
          statuses: ['planned'],
          limit: 10,
          offset: 0,
        })
      ).items.map(r => r.id),
    ).toEqual([a.id]);
  });

  it('changes fields and keeps the others', async () => {
    const created = await store.create(release(), ada);
    const updated = await store.update(created.id, {
      start: '2026-11-24T16:00:00+01:00',
      end: '2026-11-24T17:00:00+01:00',
      notes: 'moved after the batch run',
      links: [{ kind: 'ci', url: 'https://ci.example.com/runs/8' }],
    });
    expect(updated).toMatchObject({
      title: 'v2.4.1',
      start: '2026-11-24T15:00:00.000Z',
      end: '2026-11-24T16:00:00.000Z',
      notes: 'moved after the batch run',
      links: [{ kind: 'ci', url: 'https://ci.example.com/runs/8' }],
    });
    await expect(store.update('missing', { notes: 'x' })).rejects.toThrow(
      'No release with id missing',
    );
  });

  it('moves through the statuses with who and why, and refuses the others', async () => {
    const created = await store.create(release(), ada);
    await store.transition(created.id, { to: 'in_progress', actor: ci });
    const rolledBack = await store.transition(created.id, {
      to: 'rolled_back',
      actor: ada,
      note: 'error rate doubled',
    });
    expect(rolledBack.status).toBe('rolled_back');
    expect(rolledBack.history.map(h => [h.status, h.by, h.note])).toEqual([
      ['planned', ada, undefined],
      ['in_progress', ci, undefined],
      ['rolled_back', ada, 'error rate doubled'],
    ]);
    const attempt = store.transition(created.id, { to: 'done', actor: ada });
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      'REL-1 cannot move from rolled_back to done; rolled_back is final',
    );

    const other = await store.create(release(), ada);
    await expect(
      store.transition(other.id, { to: 'rolled_back', actor: ada }),
    ).rejects.toThrow(
      'REL-2 cannot move from planned to rolled_back; allowed: in_progress, done, cancelled',
    );
  });

  it('undoes a transition when what runs with it fails', async () => {
    const created = await store.create(release(), ada);
    await expect(
      store.transition(
        created.id,
        { to: 'in_progress', actor: ada },
        async () => {
          throw new Error('job table unavailable');
        },
      ),
    ).rejects.toThrow('job table unavailable');
    expect((await store.get(created.id))?.status).toBe('planned');
  });

  it('lists releases due to start until their start is announced', async () => {
    const now = new Date('2026-11-24T14:05:00Z');
    const due = await store.create(release(), ada);
    await store.create(
      release({ start: '2026-11-24T14:06:00Z', end: '2026-11-24T15:00:00Z' }),
      ada,
    ); // not yet
    await store.create(
      release({ start: '2026-11-24T13:00:00Z', end: '2026-11-24T14:05:00Z' }),
      ada,
    ); // over
    const cancelled = await store.create(release(), ada);
    await store.transition(cancelled.id, { to: 'cancelled', actor: ada });

    expect((await store.dueToStart(now)).map(r => r.id)).toEqual([due.id]);
    await store.markStarting(due.id);
    expect(await store.dueToStart(now)).toEqual([]);
  });

  it('lets one booking of an environment at a time hold its lock', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>(resolve => {
      releaseFirst = resolve;
    });
    let firstEntered!: () => void;
    const entered = new Promise<void>(resolve => {
      firstEntered = resolve;
    });
    const first = store.withEnvironmentLock('production', async tx => {
      order.push('first in');
      firstEntered();
      await firstHolds;
      await store.create(release(), ada, tx);
      order.push('first out');
    });
    await entered;
    const second = store.withEnvironmentLock('production', async tx => {
      order.push('second in');
      await store.create(release(), ada, tx);
    });
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(order).toEqual(['first in']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    expect((await store.list({ limit: 10, offset: 0 })).totalCount).toBe(2);
  });

  it('keeps one feed token hash per user', async () => {
    const tokens = new DatabaseFeedTokenStore(knex);
    await tokens.replace(ada, 'a'.repeat(64));
    expect(await tokens.userOf('a'.repeat(64))).toBe(ada);
    await tokens.replace(ada, 'b'.repeat(64));
    expect(await tokens.userOf('a'.repeat(64))).toBeUndefined();
    expect(await tokens.userOf('b'.repeat(64))).toBe(ada);
  });
  it('moves releases with a fixed clock: started ones to in progress, ended ones to done, unless the status route set it', async () => {
    const at = (time: string) => new Date(`2026-11-24T${time}:00Z`);
    // 14:00–14:30: starts at 14:00, ends at 14:30
    const clocked = await store.create(release(), ada);
    // 14:00–15:00, started by CI before the clock saw it
    const byCi = await store.create(
      release({ title: 'v2', end: '2026-11-24T15:00:00Z' }),
      ada,
    );
    await store.transition(byCi.id, { to: 'in_progress', actor: ci });
    // 16:00–17:00: not yet
    const later = await store.create(
      release({ start: '2026-11-24T16:00:00Z', end: '2026-11-24T17:00:00Z' }),
      ada,
    );
    // 13:00–13:30, already cancelled
    const cancelled = await store.create(
      release({ start: '2026-11-24T13:00:00Z', end: '2026-11-24T13:30:00Z' }),
      ada,
    );
    await store.transition(cancelled.id, { to: 'cancelled', actor: ada });
    const statuses = async () =>
      Object.fromEntries(
        await Promise.all(
          [clocked, byCi, later, cancelled].map(async r => [
            r.title === 'v2' ? 'byCi' : r.start.slice(11, 16),
            (await store.get(r.id))!.status,
          ]),
        ),
      );

    expect(await store.startDue(at('13:59'))).toBe(0);
    expect(await store.startDue(at('14:00'))).toBe(1);
    expect(await store.startDue(at('14:01'))).toBe(0); // once
    expect(await statuses()).toEqual({
      '14:00': 'in_progress',
      byCi: 'in_progress',
      '16:00': 'planned',
      '13:00': 'cancelled',
    });
    const started = (await store.get(clocked.id))!;
    expect(started.history).toEqual([
      { status: 'planned', at: expect.any(String), by: ada },
      {
        status: 'in_progress',
        at: '2026-11-24T14:00:00.000Z',
        note: 'the window started',
        by: 'multivac:release-clock',
      },
    ]);

    expect(await store.finishDue(at('14:29'))).toBe(0);
    // the clock-started release ends; CI's keeps its status after 15:00
    expect(await store.finishDue(at('18:00'))).toBe(2);
    expect(await statuses()).toEqual({
      '14:00': 'done',
      byCi: 'in_progress',
      '16:00': 'done', // never started: planned straight to done
      '13:00': 'cancelled',
    });
    expect((await store.get(clocked.id))!.history.map(h => h.status)).toEqual([
      'planned',
      'in_progress',
      'done',
    ]);
    expect((await store.get(later.id))!.history[1]).toEqual({
      status: 'done',
      at: '2026-11-24T18:00:00.000Z',
      note: 'the window ended',
      by: 'multivac:release-clock',
    });
    // a note that quotes the clock's entry does not pass for it
    const tricky = await store.create(
      release({ start: '2026-11-24T19:00:00Z', end: '2026-11-24T19:30:00Z' }),
      ada,
    );
    await store.transition(tricky.id, {
      to: 'in_progress',
      actor: ci,
      note: '"by":"multivac:release-clock"}]',
    });
    expect(await store.finishDue(at('20:00'))).toBe(0);
    expect((await store.get(tricky.id))!.status).toBe('in_progress');
  });

  it('records a release that already happened as done, with the reason', async () => {
    const done = await store.create(
      release({ done: { reason: 'Shipped during the outage, booked after' } }),
      ada,
    );
    expect(done).toMatchObject({
      status: 'done',
      history: [
        {
          status: 'done',
          by: ada,
          note: 'Shipped during the outage, booked after',
        },
      ],
    });
    expect(
      await store.findOverlapping({
        environment: 'production',
        start: '2026-11-24T14:00:00Z',
        end: '2026-11-24T14:30:00Z',
      }),
    ).toEqual([]);
  });
});
