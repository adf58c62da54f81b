import { ConflictError, InputError } from '@backstage/errors';
import { knexOf } from '../database/Transaction';
import {
  ada,
  grace,
  describeOnEachDatabase,
} from './__testUtils__/postmortemStores';
import { DatabasePostmortemStore } from './DatabasePostmortemStore';

jest.setTimeout(60_000);

describeOnEachDatabase('DatabasePostmortemStore', stores => {
  it('stores a post-mortem with its sections, and only what is stored', async () => {
    const { postmortems, newPostmortem } = stores;
    const input = await newPostmortem('Card payments fail', {
      tracked: true,
      reviewerRefs: [grace, ada, grace],
    });
    const { postmortem, created } = await postmortems.create(
      input,
      async () => {},
    );
    const number = (await stores.incidents.getIncident(input.incidentId))!
      .number;

    expect(created).toBe(true);
    expect(postmortem).toEqual({
      id: expect.any(String),
      reference: `PM-${number}`,
      incidentId: input.incidentId,
      incidentReference: `INC-${number}`,
      title: 'Post-mortem: Card payments fail',
      severity: 'SEV2',
      status: 'draft',
      ownerRef: ada,
      reviewerRefs: [grace, ada],
      dueDate: '2026-12-04',
      createdBy: ada,
      createdAt: expect.any(String),
      updatedAt: postmortem.createdAt,
      publishedAt: undefined,
      publishedBy: undefined,
      tracking: { state: 'pending', attempts: 0 },
      approvals: [],
      history: [
        {
          id: expect.any(String),
          type: 'created',
          actor: ada,
          at: postmortem.createdAt,
        },
      ],
      facts: input.facts,
      sections: input.sections,
    });
    // Whether it is overdue and its links are the service's to add.
    for (const worked of ['overdue', 'url', 'incidentUrl', 'actionItems']) {
      expect(postmortem).not.toHaveProperty(worked);
    }
    expect(await postmortems.get(postmortem.id)).toEqual(postmortem);
    expect(await postmortems.get(`pm-${number}`)).toEqual(postmortem);
    expect(await postmortems.getByIncident(input.incidentId)).toEqual(
      postmortem,
    );
    expect(await postmortems.get('PM-999')).toBeUndefined();
    expect(await postmortems.getByIncident('nope')).toBeUndefined();
  });

  it('runs andThen in the transaction of the new post-mortem, undone when it throws', async () => {
    const { postmortems, newPostmortem } = stores;
    const input = await newPostmortem();
    await expect(
      postmortems.create(input, async (tx, postmortemId) => {
        // The token is the transaction that inserted it.
        const row = await knexOf(tx)('multivac_postmortems')
          .where({ id: postmortemId })
          .first('incident_id');
        expect(row.incident_id).toBe(input.incidentId);
        throw new Error('subscriber refused');
      }),
    ).rejects.toThrow('subscriber refused');
    expect(await postmortems.getByIncident(input.incidentId)).toBeUndefined();
    expect(await stores.knex('multivac_postmortem_sections')).toEqual([]);
  });

  it('lets the unique incident decide between two replicas inserting at once', async () => {
    const input = await stores.newPostmortem();
    const ranFor: string[] = [];
    const results = await Promise.all(
      [
        new DatabasePostmortemStore(stores.knex),
        new DatabasePostmortemStore(stores.knex),
      ].map(store =>
        store.create(input, async (_tx, postmortemId) => {
          ranFor.push(postmortemId);
        }),
      ),
    );
    expect(results.map(r => r.created).sort()).toEqual([false, true]);
    expect(results[0].postmortem.id).toBe(results[1].postmortem.id);
    expect(ranFor).toEqual([results[0].postmortem.id]);
    expect(await stores.knex('multivac_postmortem_sections')).toHaveLength(2);
  });

  it('edits sections, owner, reviewers and due date; refuses unknown sections', async () => {
    const { postmortems, createPostmortem } = stores;
    const postmortem = await createPostmortem();

    const edited = await postmortems.update(
      postmortem.id,
      {
        sections: { summary: 'Visa payments failed.' },
        ownerRef: grace,
        reviewerRefs: [grace, ada, grace],
        dueDate: '2026-12-10',
      },
      ada,
    );
    expect(edited).toMatchObject({
      ownerRef: grace,
      reviewerRefs: [grace, ada],
      dueDate: '2026-12-10',
      sections: [
        { id: 'summary', text: 'Visa payments failed.' },
        { id: 'trigger', text: 'Not known yet' },
      ],
    });
    expect(edited.updatedAt >= postmortem.updatedAt).toBe(true);

    await expect(
      postmortems.update(
        postmortem.id,
        { sections: { summary: 'lost', lucky: 'x' } },
        ada,
      ),
    ).rejects.toThrow(
      new InputError(
        `sections: ${postmortem.reference} has no section 'lucky'; its sections are summary, trigger`,
      ),
    );
    expect((await postmortems.get(postmortem.id))!.sections[0].text).toBe(
      'Visa payments failed.',
    );
    await expect(
      postmortems.update('nope', { ownerRef: ada }, ada),
    ).rejects.toThrow('No post-mortem nope');
  });

  it('moves through the lifecycle, recording who published, in the transaction of andThen', async () => {
    const { postmortems, createPostmortem } = stores;
    const postmortem = await createPostmortem();
    const ref = postmortem.reference;

    await expect(
      postmortems.transition(postmortem.id, 'published', ada, async () => {}),
    ).rejects.toThrow(
      new ConflictError(
        `${ref} cannot move from draft to published; allowed: in_review`,
      ),
    );
    await expect(
      postmortems.transition(postmortem.id, 'in_review', ada, async tx => {
        const row = await knexOf(tx)('multivac_postmortems')
          .where({ id: postmortem.id })
          .first('status');
        expect(row.status).toBe('in_review');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect((await postmortems.get(postmortem.id))!.status).toBe('draft');

    await postmortems.transition(postmortem.id, 'in_review', ada, noop);
    const published = await postmortems.transition(
      postmortem.id,
      'published',
      grace,
      noop,
    );
    expect(published).toMatchObject({
      status: 'published',
      publishedBy: grace,
      publishedAt: published.updatedAt,
    });
    await expect(
      postmortems.transition(postmortem.id, 'draft', ada, noop),
    ).rejects.toThrow(
      `${ref} cannot move from published to draft; a published post-mortem changes only when reopened with a reason`,
    );
    expect(
      (await postmortems.get(postmortem.id))!.history.map(e => [
        e.type,
        e.actor,
      ]),
    ).toEqual([
      ['created', ada],
      ['review_requested', ada],
      ['published', grace],
    ]);
  });

  it('records approvals of current reviewers, withdrawn when it goes back to draft or they stop reviewing', async () => {
    const { postmortems, createPostmortem } = stores;
    const postmortem = await createPostmortem('Card payments fail', {
      reviewerRefs: [grace, ada],
    });
    await postmortems.transition(postmortem.id, 'in_review', ada, noop);
    const seen: Array<[string, number]> = [];
    await expect(
      postmortems.approve(postmortem.id, grace, async (_tx, before) => {
        seen.push([before.status, before.actionItemCount]);
        throw new Error('not you');
      }),
    ).rejects.toThrow('not you');
    expect((await postmortems.get(postmortem.id))!.approvals).toEqual([]);
    expect(seen).toEqual([['in_review', 0]]);

    const approved = await postmortems.approve(postmortem.id, grace, noop);
    expect(approved.approvals).toEqual([
      { reviewerRef: grace, approvedAt: approved.updatedAt },
    ]);
    expect(approved.history.at(-1)).toMatchObject({
      type: 'approved',
      actor: grace,
    });
    // Grace stops reviewing: her approval goes, and the change is recorded.
    const changed = await postmortems.update(
      postmortem.id,
      { reviewerRefs: [ada] },
      ada,
    );
    expect(changed.approvals).toEqual([]);
    expect(changed.history.at(-1)).toMatchObject({
      type: 'reviewers_changed',
      actor: ada,
      reviewerRefs: [ada],
    });
    await postmortems.approve(postmortem.id, ada, noop);
    const back = await postmortems.transition(
      postmortem.id,
      'draft',
      ada,
      noop,
    );
    expect(back.approvals).toEqual([]);
    expect(back.history.map(e => e.type)).toEqual([
      'created',
      'review_requested',
      'approved',
      'reviewers_changed',
      'approved',
      'returned_to_draft',
    ]);
  });

  it('keeps a published post-mortem read-only until it is reopened with a reason', async () => {
    const { postmortems, actionItems, createPostmortem } = stores;
    const postmortem = await createPostmortem();
    const ref = postmortem.reference;
    const item = await actionItems.add(
      postmortem.id,
      { title: 'Alert on declines', createdBy: ada, tracked: false },
      async () => {},
    );
    await expect(
      postmortems.reopen(postmortem.id, ada, 'typo', noop),
    ).rejects.toThrow(
      new ConflictError(
        `${ref} is draft, not published: there is nothing to reopen`,
      ),
    );
    await postmortems.transition(postmortem.id, 'in_review', ada, noop);
    await postmortems.approve(postmortem.id, grace, noop);
    await postmortems.transition(postmortem.id, 'published', grace, noop);

    const readOnly = (what: string) =>
      `${ref} is published, so ${what} cannot change; reopen it (with a reason) first`;
    await expect(
      postmortems.update(postmortem.id, { sections: { summary: 'x' } }, ada),
    ).rejects.toThrow(new ConflictError(readOnly('it')));
    await expect(
      actionItems.add(
        postmortem.id,
        { title: 'More', createdBy: ada, tracked: false },
        async () => {},
      ),
    ).rejects.toThrow(readOnly('its action items'));
    await expect(actionItems.delete(postmortem.id, item.id)).rejects.toThrow(
      readOnly('its action items'),
    );
    await expect(
      actionItems.update(postmortem.id, item.id, { title: 'Other' }),
    ).rejects.toThrow(readOnly('what its action items say'));
    // Follow-up goes on: the item gets done.
    expect(
      (await actionItems.update(postmortem.id, item.id, { status: 'done' }))
        .status,
    ).toBe('done');

    const reopened = await postmortems.reopen(
      postmortem.id,
      ada,
      'The trigger was wrong',
      async (_tx, before) => {
        expect(before).toMatchObject({
          status: 'published',
          actionItemCount: 1,
        });
      },
    );
    expect(reopened).toMatchObject({
      status: 'draft',
      approvals: [],
      publishedAt: undefined,
      publishedBy: undefined,
    });
    expect(reopened.history.at(-1)).toEqual({
      id: expect.any(String),
      type: 'reopened',
      actor: ada,
      at: reopened.updatedAt,
      reason: 'The trigger was wrong',
    });
    const edited = await postmortems.update(
      postmortem.id,
      { sections: { trigger: 'A DNS change' } },
      ada,
    );
    expect(edited.sections[1].text).toBe('A DNS change');
  });

  it('lists newest first, filtered, overdue as of the day it is given', async () => {
    const { postmortems, createPostmortem } = stores;
    const payments = await createPostmortem('Card payments fail', {
      dueDate: '2026-11-20',
    });
    const ledger = await createPostmortem('Ledger 100% behind', {
      ownerRef: grace,
      severity: 'SEV3',
      dueDate: '2026-12-04',
    });
    await postmortems.update(
      payments.id,
      { sections: { summary: 'The DNS change' } },
      ada,
    );
    await stores.actionItems.add(
      ledger.id,
      { title: 'Page on replication LAG', createdBy: ada, tracked: false },
      async () => {},
    );
    const refs = async (filter: object, today = '2026-11-30') =>
      (
        await postmortems.list({ limit: 20, offset: 0, ...filter }, today)
      ).items.map(p => p.reference);

    expect(await refs({})).toEqual([ledger.reference, payments.reference]);
    expect(await refs({ q: 'dns' })).toEqual([payments.reference]);
    expect(await refs({ q: '100%' })).toEqual([ledger.reference]);
    expect(await refs({ q: 'l_dger' })).toEqual([]);
    // Action items are searched too.
    expect(await refs({ q: 'replication lag' })).toEqual([ledger.reference]);
    expect(await refs({ ownerRef: grace })).toEqual([ledger.reference]);
    expect(await refs({ severities: ['SEV2'] })).toEqual([payments.reference]);
    expect(await refs({ statuses: ['in_review'] })).toEqual([]);
    expect(
      await refs({ entityRefs: ['component:default/payments-api'] }),
    ).toEqual([ledger.reference, payments.reference]);
    expect(await refs({ entityRefs: ['component:default/other'] })).toEqual([]);

    expect(await refs({ overdue: true })).toEqual([payments.reference]);
    expect(await refs({ overdue: false })).toEqual([ledger.reference]);
    expect(await refs({ overdue: true }, '2026-11-20')).toEqual([]);
    expect(await refs({ overdue: true }, '2026-12-05')).toEqual([
      ledger.reference,
      payments.reference,
    ]);
    await postmortems.transition(payments.id, 'in_review', ada, noop);
    await postmortems.transition(payments.id, 'published', ada, noop);
    expect(await refs({ overdue: true })).toEqual([]);
    expect(await refs({ overdue: false })).toEqual([
      ledger.reference,
      payments.reference,
    ]);

    const page = await postmortems.list({ limit: 1, offset: 1 }, '2026-11-30');
    expect(page.totalCount).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ reference: payments.reference });
    expect(page.items[0]).not.toHaveProperty('sections');
    expect(page.items[0]).not.toHaveProperty('overdue');
  });
});

describeOnEachDatabase('The post-mortem review migration', stores => {
  it('goes down and up again', async () => {
    const { knex } = stores;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const migration = require('../../migrations/20261205080000_postmortem_review.js');
    const tables = [
      'multivac_postmortem_approvals',
      'multivac_postmortem_events',
    ];
    const present = () =>
      Promise.all(tables.map(table => knex.schema.hasTable(table)));
    expect(await present()).toEqual([true, true]);
    await migration.down(knex);
    expect(await present()).toEqual([false, false]);
    await migration.up(knex);
    expect(await present()).toEqual([true, true]);
    // Still usable: a post-mortem is created with its first event.
    const postmortem = await stores.createPostmortem();
    expect(postmortem.history.map(e => e.type)).toEqual(['created']);
  });
});

async function noop() {}
