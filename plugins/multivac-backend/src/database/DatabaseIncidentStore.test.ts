import { ConflictError, NotFoundError } from '@backstage/errors';
import { TimelineEvent } from '@multivac/plugin-multivac-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { TimelineEventSink } from './IncidentStore';
import { migrateDatabase } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const payments = 'component:default/payments-api';
const ledger = 'component:default/ledger-service';

describe.each(databases.eachSupportedId())(
  'DatabaseIncidentStore on %s',
  id => {
    let knex: Knex;
    let store: DatabaseIncidentStore;
    let recorded: TimelineEvent[];

    async function createStore(sink?: TimelineEventSink) {
      await migrateDatabase(knex);
      return new DatabaseIncidentStore(knex, sink);
    }

    beforeEach(async () => {
      knex = await databases.init(id);
      recorded = [];
      store = await createStore(async (_tx, event) => {
        recorded.push(event);
      });
    });

    const declare = (title = 'Checkout fails', entityRefs = [payments]) =>
      store.createIncident({ title, severity: 'SEV2', entityRefs }, ada);

    it('declares an incident in triggered state with INC number and timeline', async () => {
      const incident = await store.createIncident(
        {
          title: 'Card payments failing',
          description: 'All Visa payments return 502',
          severity: 'SEV1',
          entityRefs: [payments, ledger, payments],
          impact: 'Customers cannot pay',
        },
        ada,
        { roles: [{ role: 'controller', userRef: ada }] },
      );
      expect(incident).toMatchObject({
        number: 1,
        reference: 'INC-1',
        title: 'Card payments failing',
        description: 'All Visa payments return 502',
        severity: 'SEV1',
        status: 'triggered',
        entityRefs: [ledger, payments],
        impact: 'Customers cannot pay',
        summary: '',
        createdBy: ada,
        roles: [{ role: 'controller', userRef: ada }],
      });
      expect(incident.stateTimestamps.triggered).toBe(incident.createdAt);
      const timeline = await store.getTimeline(incident.id);
      expect(timeline.map(e => e.type)).toEqual(['declared', 'role_assigned']);
      expect(recorded.map(e => e.id)).toEqual(timeline.map(e => e.id));
    });

    it('gives unique consecutive numbers to concurrently declared incidents', async () => {
      const incidents = await Promise.all(
        Array.from({ length: 20 }, (_, i) => declare(`Concurrent ${i}`)),
      );
      expect(incidents.map(i => i.number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('finds an incident by id, by INC reference and by number', async () => {
      await declare('first');
      const second = await declare('second');
      expect((await store.getIncident(second.id))?.title).toBe('second');
      expect((await store.getIncident('INC-2'))?.id).toBe(second.id);
      expect((await store.getIncident('inc-2'))?.id).toBe(second.id);
      expect((await store.getIncident('2'))?.id).toBe(second.id);
      expect(await store.getIncident('INC-99')).toBeUndefined();
      expect(await store.getIncident('no-such-id')).toBeUndefined();
    });

    it('lists newest first with filters and paging', async () => {
      const a = await declare('a', [payments]);
      const b = await declare('b', [ledger]);
      const c = await declare('c', [payments, ledger]);
      await store.transitionIncident(b.id, 'resolved', ada);
      await store.updateIncident(c.id, { severity: 'SEV4' }, ada);

      const all = await store.listIncidents({ limit: 10, offset: 0 });
      expect(all.items.map(i => i.title)).toEqual(['c', 'b', 'a']);
      expect(all.totalCount).toBe(3);

      const page = await store.listIncidents({ limit: 2, offset: 2 });
      expect(page.items.map(i => i.title)).toEqual(['a']);
      expect(page.totalCount).toBe(3);

      const byEntity = await store.listIncidents({
        entityRefs: [payments],
        limit: 10,
        offset: 0,
      });
      expect(byEntity.items.map(i => i.title)).toEqual(['c', 'a']);
      // an incident affecting both entities shows once, with all its entities
      expect(byEntity.items[0].entityRefs).toEqual([ledger, payments]);

      const resolved = await store.listIncidents({
        statuses: ['resolved'],
        limit: 10,
        offset: 0,
      });
      expect(resolved.items.map(i => i.id)).toEqual([b.id]);

      const sev4 = await store.listIncidents({
        severities: ['SEV4'],
        limit: 10,
        offset: 0,
      });
      expect(sev4.items.map(i => i.id)).toEqual([c.id]);

      const future = await store.listIncidents({
        from: new Date(Date.now() + 60_000).toISOString(),
        limit: 10,
        offset: 0,
      });
      expect(future.items).toEqual([]);
      const window = await store.listIncidents({
        from: a.createdAt,
        to: new Date(Date.now() + 60_000).toISOString(),
        limit: 10,
        offset: 0,
      });
      expect(window.totalCount).toBe(3);
    });

    it('searches title and summary, case-insensitive, with LIKE wildcards taken literally', async () => {
      const checkout = await declare('Checkout FAILS for Visa');
      const slow = await declare('Ledger slow');
      await store.updateIncident(
        slow.id,
        { summary: 'Nightly batch blocked checkout writes' },
        ada,
      );
      const percent = await declare('Error rate at 100% on payments');
      await declare('Login_page broken');
      const search = (text: string, extra: object = {}) =>
        store
          .listIncidents({ text, limit: 10, offset: 0, ...extra })
          .then(r => ({ ids: r.items.map(i => i.id), total: r.totalCount }));

      expect(await search('checkout')).toEqual({
        ids: [slow.id, checkout.id],
        total: 2,
      });
      expect(await search('visa')).toEqual({ ids: [checkout.id], total: 1 });
      expect(await search('CHECKOUT WRITES')).toEqual({
        ids: [slow.id],
        total: 1,
      });
      // % and _ are text, not wildcards
      expect(await search('100%')).toEqual({ ids: [percent.id], total: 1 });
      expect((await search('%')).ids).toEqual([percent.id]);
      expect((await search('ledger_slow')).total).toBe(0);
      expect((await search('login_page')).total).toBe(1);
      expect(await search('no such words')).toEqual({ ids: [], total: 0 });
      // with the other filters and paging
      await store.transitionIncident(checkout.id, 'resolved', ada);
      expect(await search('checkout', { statuses: ['resolved'] })).toEqual({
        ids: [checkout.id],
        total: 1,
      });
      expect(await search('checkout', { limit: 1, offset: 1 })).toEqual({
        ids: [checkout.id],
        total: 2,
      });
    });

    it('moves forward, skips states, and timestamps each one', async () => {
      const incident = await declare();
      const acked = await store.transitionIncident(
        incident.id,
        'acknowledged',
        grace,
      );
      const identified = await store.transitionIncident(
        incident.id,
        'identified',
        grace,
        'Bad deploy of ledger-service',
      );
      expect(acked.status).toBe('acknowledged');
      expect(identified.status).toBe('identified');
      expect(Object.keys(identified.stateTimestamps).sort()).toEqual([
        'acknowledged',
        'identified',
        'triggered',
      ]);
      const timeline = await store.getTimeline(incident.id);
      expect(timeline[timeline.length - 1]).toMatchObject({
        type: 'status_changed',
        actor: grace,
        payload: {
          from: 'acknowledged',
          to: 'identified',
          note: 'Bad deploy of ledger-service',
        },
      });
    });

    it('refuses moving backward with a conflict naming the allowed states', async () => {
      const incident = await declare();
      await store.transitionIncident(incident.id, 'investigating', ada);
      const attempt = store.transitionIncident(
        incident.id,
        'acknowledged',
        ada,
      );
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(attempt).rejects.toThrow(
        'INC-1 cannot move from investigating to acknowledged; allowed: identified, monitoring, resolved, cancelled',
      );
      expect((await store.getIncident(incident.id))?.status).toBe(
        'investigating',
      );
    });

    it('records reopening a resolved incident, and keeps cancelled final', async () => {
      const incident = await declare();
      await store.transitionIncident(incident.id, 'resolved', ada);
      const reopened = await store.transitionIncident(
        incident.id,
        'investigating',
        ada,
      );
      expect(reopened.status).toBe('investigating');
      const timeline = await store.getTimeline(incident.id);
      expect(timeline[timeline.length - 1]).toMatchObject({
        type: 'reopened',
        payload: { from: 'resolved', to: 'investigating' },
      });
      await store.transitionIncident(incident.id, 'cancelled', ada);
      await expect(
        store.transitionIncident(incident.id, 'resolved', ada),
      ).rejects.toThrow('cancelled is final');
    });

    it('records each changed field, and nothing for unchanged ones', async () => {
      const incident = await declare();
      const updated = await store.updateIncident(
        incident.id,
        {
          title: 'Checkout fails', // unchanged
          severity: 'SEV1',
          summary: 'Ledger timeouts',
          entityRefs: [ledger],
        },
        grace,
      );
      expect(updated).toMatchObject({
        severity: 'SEV1',
        summary: 'Ledger timeouts',
        entityRefs: [ledger],
      });
      const changes = (await store.getTimeline(incident.id)).slice(1);
      expect(changes.map(e => [e.type, e.payload])).toEqual([
        [
          'field_changed',
          { field: 'summary', from: '', to: 'Ledger timeouts' },
        ],
        ['severity_changed', { from: 'SEV2', to: 'SEV1' }],
        [
          'field_changed',
          { field: 'entityRefs', from: [payments], to: [ledger] },
        ],
      ]);
      await store.updateIncident(incident.id, { severity: 'SEV1' }, grace);
      expect(await store.getTimeline(incident.id)).toHaveLength(4);
    });

    it('hands over the controller role and manages multi-holder roles', async () => {
      const incident = await declare();
      await store.changeRole(
        incident.id,
        { role: 'controller', userRef: ada, action: 'assign' },
        ada,
      );
      const handedOver = await store.changeRole(
        incident.id,
        { role: 'controller', userRef: grace, action: 'assign' },
        ada,
      );
      expect(handedOver.roles.filter(r => r.role === 'controller')).toEqual([
        expect.objectContaining({ userRef: grace }),
      ]);
      await store.changeRole(
        incident.id,
        { role: 'responder', userRef: ada, action: 'assign' },
        ada,
      );
      const two = await store.changeRole(
        incident.id,
        { role: 'responder', userRef: grace, action: 'assign' },
        ada,
      );
      expect(two.roles.filter(r => r.role === 'responder')).toHaveLength(2);
      const removed = await store.changeRole(
        incident.id,
        { role: 'responder', userRef: ada, action: 'remove' },
        ada,
      );
      expect(
        removed.roles.filter(r => r.role === 'responder').map(r => r.userRef),
      ).toEqual([grace]);
      await expect(
        store.changeRole(
          incident.id,
          { role: 'observer', userRef: ada, action: 'remove' },
          ada,
        ),
      ).rejects.toThrow(ConflictError);

      const events = (await store.getTimeline(incident.id)).filter(e =>
        e.type.startsWith('role_'),
      );
      expect(events.map(e => [e.type, e.payload])).toEqual([
        ['role_assigned', { role: 'controller', userRef: ada }],
        [
          'role_assigned',
          { role: 'controller', userRef: grace, previous: ada },
        ],
        ['role_assigned', { role: 'responder', userRef: ada }],
        ['role_assigned', { role: 'responder', userRef: grace }],
        ['role_removed', { role: 'responder', userRef: ada }],
      ]);
    });

    it('keeps notes in order in the timeline', async () => {
      const incident = await declare();
      await store.addNote(incident.id, 'Rolled back ledger-service', grace);
      await store.addNote(incident.id, 'Error rate back to normal', ada);
      const notes = (await store.getTimeline(incident.id)).filter(
        e => e.type === 'note',
      );
      expect(notes.map(n => [n.actor, n.payload.text])).toEqual([
        [grace, 'Rolled back ledger-service'],
        [ada, 'Error rate back to normal'],
      ]);
      await expect(store.addNote('missing', 'x', ada)).rejects.toThrow(
        NotFoundError,
      );
    });

    it('rolls the change back when recording its side effects fails', async () => {
      const incident = await declare();
      const failing = await createStore(async () => {
        throw new Error('job table unavailable');
      });
      await expect(
        failing.transitionIncident(incident.id, 'acknowledged', ada),
      ).rejects.toThrow('job table unavailable');
      expect((await store.getIncident(incident.id))?.status).toBe('triggered');
      expect(await store.getTimeline(incident.id)).toHaveLength(1);
    });
  },
);
