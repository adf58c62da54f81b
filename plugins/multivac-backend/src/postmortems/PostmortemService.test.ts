import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ada,
  grace,
  ken,
  postmortemHarness,
  RESOLVED_AT,
  STARTED_AT,
} from './__testUtils__/postmortemHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('PostmortemService on %s', id => {
  let knex: Knex;
  let harness: Awaited<ReturnType<typeof postmortemHarness>>;

  beforeEach(async () => {
    knex = await databases.init(id);
    harness = await postmortemHarness(knex);
  });

  /** Writes the required sections and adds an action item. */
  async function readyToPublish(ref: string) {
    const { postmortems } = harness;
    await postmortems.update(
      ref,
      {
        sections: {
          summary: 'Visa payments were declined.',
          trigger: 'A DNS change',
          impact: 'Hundreds of users in eu-west-1',
        },
      },
      ada,
    );
    await postmortems.addActionItem(ref, { title: 'Alert on declines' }, ada);
  }

  it('pre-fills the post-mortem from the incident, its report, timeline and pages', async () => {
    const { postmortems, resolvedIncident, timePasses, changes } = harness;
    const { incident, report } = await resolvedIncident();

    const { postmortem, created } = await postmortems.create(
      incident.reference,
      ken,
    );

    expect(created).toBe(true);
    expect(postmortem).toMatchObject({
      reference: `PM-${incident.number}`,
      incidentId: incident.id,
      incidentReference: incident.reference,
      title: 'Post-mortem: Card payments fail',
      severity: 'SEV2',
      status: 'draft',
      // The controller at the end of the incident owns it.
      ownerRef: grace,
      // The members of Payments, which owns payments-api and ledger.
      reviewerRefs: [ada, grace],
      // Resolved on a Friday: five business days later is the next Friday.
      dueDate: '2026-12-04',
      overdue: false,
      url: `http://portal/multivac/postmortems/PM-${incident.number}`,
      incidentUrl: `http://portal/multivac/incidents/${incident.reference}`,
      createdBy: ken,
      actionItems: [],
      review: {
        requiredSections: ['summary', 'trigger', 'impact'],
        actionItemsRequired: true,
        // Impact is pre-filled from the report.
        missing: ['Summary', 'Trigger', 'Action items'],
        approvals: [],
        blockers: [
          'the required sections Summary, Trigger are empty',
          'it has no action items (add at least one)',
          'no reviewer has approved it (Ada Lovelace, Grace Hopper)',
        ],
      },
      history: [{ type: 'created', actor: ken }],
    });
    expect(postmortem.tracking).toBeUndefined();
    const { timeline, ...facts } = postmortem.facts;
    expect(facts).toEqual({
      incidentTitle: 'Card payments fail',
      startedAt: STARTED_AT,
      resolvedAt: RESOLVED_AT,
      durationMs: 65 * 60_000,
      duration: '1 hour 5 minutes',
      controllerRef: grace,
      participantRefs: [ada, grace, ken],
      entityRefs: [
        'component:default/ledger',
        'component:default/payments-api',
      ],
      impact: [
        '- Users affected: 101–1,000 users',
        '- Where: One region (eu-west-1)',
        '- Customer-facing: yes',
        '- Started, as reported: 2026-11-27 14:40 UTC',
        `- Reported in ${report.reference} by Grace Hopper`,
      ].join('\n'),
      report: {
        reference: report.reference,
        reportedBy: grace,
        usersAffected: 'hundreds',
        scope: 'region',
        region: 'eu-west-1',
        customerFacing: true,
        startedAt: '2026-11-27T14:40:00.000Z',
      },
    });
    expect(
      timeline.map(e => `${e.source} ${e.actor ?? '-'}: ${e.text}`).sort(),
    ).toEqual(
      [
        `incident ${ada}: declared the incident (SEV2) on payments-api, ledger from triage report ${report.reference}`,
        `incident ${ada}: made ${ada} controller`,
        `incident ${ada}: made ${grace} reporter`,
        `incident ${ken}: moved it from triggered to investigating`,
        `incident ${ken}: noted: Rolled back | release 42\nfor now`,
        `incident ${ada}: handed controller over from ${ada} to ${grace}`,
        `incident ${grace}: moved it from investigating to resolved: Fixed by the rollback`,
        `page ${grace}: page (Payments primary): paged level 1: Ken Thompson`,
        `page -: page (Payments primary): acknowledged by ${ken}`,
        `page ${grace}: page (Payments primary): paged level 1: Ken Thompson`,
      ].sort(),
    );
    const times = timeline.map(e => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    expect(postmortem.sections.map(s => [s.id, s.title])).toEqual([
      ['summary', 'Summary'],
      ['trigger', 'Trigger'],
      ['impact', 'Impact'],
      ['detection', 'Detection'],
      ['resolution', 'Resolution'],
      ['went-well', 'What went well'],
      ['went-wrong', 'What went wrong'],
      ['lucky', 'Where we got lucky'],
    ]);
    expect(postmortem.sections.find(s => s.id === 'impact')?.text).toBe(
      facts.impact,
    );
    expect(postmortem.sections.find(s => s.id === 'summary')).toMatchObject({
      text: '',
      hint: expect.any(String),
      required: true,
    });
    expect(postmortem.sections.find(s => s.id === 'lucky')?.required).toBe(
      false,
    );

    await timePasses();
    expect(changes).toEqual([`${postmortem.reference} created draft`]);
  });

  it('uses the incident impact and the creator without a report or controller', async () => {
    const { incidents, postmortems } = harness;
    const incident = await incidents.createIncident(
      {
        title: 'Ledger lag',
        severity: 'SEV3',
        entityRefs: ['component:default/ledger'],
        impact: 'Balances up to 5 minutes late',
        summary: '  Replication stalled after a failover.\n',
      },
      'service:monitoring',
    );
    await incidents.transitionIncident(incident.id, 'resolved', ken);
    const { postmortem } = await postmortems.create(incident.id, ken);
    // The incident's summary starts the Summary section.
    expect(postmortem.sections[0]).toMatchObject({
      id: 'summary',
      text: 'Replication stalled after a failover.',
    });
    expect(postmortem.review?.missing).toEqual(['Trigger', 'Action items']);
    expect(postmortem.ownerRef).toBe(ken);
    expect(postmortem.facts.controllerRef).toBeUndefined();
    expect(postmortem.facts.report).toBeUndefined();
    expect(postmortem.facts.participantRefs).toEqual([ken]);
    expect(postmortem.facts.impact).toBe('Balances up to 5 minutes late');
  });

  it('is created once per incident, also when asked twice at the same time', async () => {
    const { postmortems, resolvedIncident, timePasses, changes } = harness;
    const { incident } = await resolvedIncident();

    const results = await Promise.all([
      postmortems.create(incident.id, ada),
      postmortems.create(incident.reference, grace),
      postmortems.create(String(incident.number), ken),
    ]);
    expect(results.filter(r => r.created)).toHaveLength(1);
    expect(new Set(results.map(r => r.postmortem.id)).size).toBe(1);

    const again = await postmortems.create(incident.reference, ada);
    expect(again).toMatchObject({
      created: false,
      postmortem: { id: results[0].postmortem.id },
    });
    expect(
      await knex('multivac_postmortems').where({ incident_id: incident.id }),
    ).toHaveLength(1);
    await timePasses();
    expect(changes).toEqual([`PM-${incident.number} created draft`]);
  });

  it('refuses incidents that are not resolved, and unknown ones', async () => {
    const { incidents, postmortems } = harness;
    const incident = await incidents.createIncident(
      {
        title: 'Slow',
        severity: 'SEV4',
        entityRefs: ['component:default/ledger'],
      },
      ada,
    );
    await expect(postmortems.create(incident.reference, ada)).rejects.toThrow(
      new ConflictError(
        `${incident.reference} is triggered: its post-mortem can be written once it is resolved`,
      ),
    );
    await incidents.transitionIncident(incident.id, 'cancelled', ada);
    await expect(postmortems.create(incident.id, ada)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(postmortems.create('INC-999', ada)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await postmortems.findForIncident(incident.id)).toBeUndefined();
    await expect(postmortems.findForIncident('INC-999')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('finds a post-mortem by its id, its reference or its incident', async () => {
    const { postmortems, resolvedIncident } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    for (const key of [
      postmortem.id,
      postmortem.reference.toLowerCase(),
      incident.id,
      incident.reference,
    ]) {
      expect((await postmortems.find(key))?.id).toBe(postmortem.id);
    }
    expect(await postmortems.find('PM-999')).toBeUndefined();
    await expect(postmortems.get('INC-1')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('edits sections and action items, refusing what the post-mortem does not have', async () => {
    const { postmortems, resolvedIncident } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);

    const edited = await postmortems.update(
      postmortem.reference,
      {
        sections: {
          summary: '**Visa** payments failed.',
          lucky: 'Low traffic',
        },
        reviewerRefs: [ken, ada, ken],
        dueDate: '2026-12-10',
      },
      ada,
    );
    expect(edited.sections.find(s => s.id === 'summary')?.text).toBe(
      '**Visa** payments failed.',
    );
    expect(edited.reviewerRefs).toEqual([ken, ada]);
    expect(edited.dueDate).toBe('2026-12-10');
    expect(edited.ownerRef).toBe(grace);

    await expect(
      postmortems.update(
        postmortem.id,
        { sections: { summary: 'lost', 'action-items': 'x' } },
        ada,
      ),
    ).rejects.toThrow(
      new InputError(
        `sections: ${postmortem.reference} has no section 'action-items'; its sections are summary, trigger, impact, detection, resolution, went-well, went-wrong, lucky`,
      ),
    );
    expect(
      (await postmortems.get(postmortem.id)).sections.find(
        s => s.id === 'summary',
      )?.text,
    ).toBe('**Visa** payments failed.');

    const item = await postmortems.addActionItem(
      postmortem.id,
      { title: 'Alert on declined payments', ownerRef: ken },
      ada,
    );
    expect(item).toMatchObject({
      title: 'Alert on declined payments',
      ownerRef: ken,
      status: 'open',
      createdBy: ada,
    });
    expect(item.tracking).toBeUndefined();
    const done = await postmortems.updateActionItem(postmortem.id, item.id, {
      status: 'done',
      ownerRef: null,
      dueDate: '2026-12-01',
    });
    expect(done).toMatchObject({ status: 'done', dueDate: '2026-12-01' });
    expect(done.ownerRef).toBeUndefined();

    const other = await resolvedIncident('Other');
    const otherPm = (await postmortems.create(other.incident.id, ada))
      .postmortem;
    await expect(
      postmortems.updateActionItem(otherPm.id, item.id, { title: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      postmortems.deleteActionItem(otherPm.id, item.id),
    ).rejects.toBeInstanceOf(NotFoundError);
    await postmortems.deleteActionItem(postmortem.id, item.id);
    expect((await postmortems.get(postmortem.id)).actionItems).toEqual([]);
  });

  it('moves through review to published, telling subscribers', async () => {
    const { postmortems, resolvedIncident, timePasses, changes } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    const ref = postmortem.reference;
    await timePasses();

    await expect(postmortems.setStatus(ref, 'published', ada)).rejects.toThrow(
      new ConflictError(
        `${ref} cannot move from draft to published; allowed: in_review`,
      ),
    );
    for (const to of ['in_review', 'draft', 'in_review'] as const) {
      await postmortems.setStatus(ref, to, ada);
      await timePasses();
    }
    await readyToPublish(ref);
    await postmortems.approve(ref, ada);
    const published = await postmortems.setStatus(ref, 'published', grace);
    expect(published).toMatchObject({
      status: 'published',
      publishedBy: grace,
      publishedAt: expect.any(String),
      review: { missing: [], blockers: [] },
    });
    await expect(postmortems.setStatus(ref, 'draft', ada)).rejects.toThrow(
      `${ref} cannot move from published to draft; a published post-mortem changes only when reopened with a reason`,
    );
    await timePasses();
    expect(changes).toEqual([
      `${ref} created draft`,
      `${ref} status in_review`,
      `${ref} status draft`,
      `${ref} status in_review`,
      `${ref} status published`,
    ]);
  });

  it('publishes only what is written and approved by a reviewer other than its owner', async () => {
    const { postmortems, resolvedIncident } = harness;
    const { incident } = await resolvedIncident();
    // Grace, the controller, owns it; Ada and Grace review it.
    const { postmortem } = await postmortems.create(incident.id, ken);
    const ref = postmortem.reference;
    expect(postmortem).toMatchObject({
      ownerRef: grace,
      reviewerRefs: [ada, grace],
    });
    await postmortems.setStatus(ref, 'in_review', grace);

    const publish = () => postmortems.setStatus(ref, 'published', grace);
    await expect(publish()).rejects.toThrow(
      new ConflictError(
        `${ref} cannot be published yet: the required sections Summary, Trigger are empty; it has no action items (add at least one); no reviewer has approved it (Ada Lovelace, Grace Hopper)`,
      ),
    );
    // Only reviewers approve, only in review, and the owner not alone.
    await expect(postmortems.approve(ref, ken)).rejects.toThrow(
      new NotAllowedError(
        `You are not a reviewer of ${ref}; its reviewers are Ada Lovelace, Grace Hopper`,
      ),
    );
    await expect(postmortems.approve(ref, grace)).rejects.toThrow(
      new ConflictError(
        `${ref} is yours to write: another of its reviewers (Ada Lovelace) must approve it`,
      ),
    );
    // Whitespace is not writing.
    await postmortems.update(
      ref,
      { sections: { summary: 'Visa payments were declined.', trigger: ' \n' } },
      grace,
    );
    await expect(publish()).rejects.toThrow(
      'the required section Trigger is empty; it has no action items',
    );
    await readyToPublish(ref);
    const approved = await postmortems.approve(ref, ada);
    expect(approved.review).toMatchObject({
      missing: [],
      approvals: [{ reviewerRef: ada, approvedAt: expect.any(String) }],
      blockers: [],
    });
    // Going back to draft withdraws the approval.
    await postmortems.setStatus(ref, 'draft', grace);
    await postmortems.setStatus(ref, 'in_review', grace);
    await expect(publish()).rejects.toThrow('no reviewer has approved it');
    await expect(postmortems.approve(ref, ada)).resolves.toBeDefined();
    // The owner as the only reviewer may approve their own.
    await postmortems.update(ref, { reviewerRefs: [grace] }, grace);
    await expect(publish()).rejects.toThrow('no reviewer has approved it');
    await postmortems.approve(ref, grace);
    const published = await publish();
    expect(published.status).toBe('published');
    expect(published.history?.map(e => `${e.type} ${e.actor}`)).toEqual([
      `created ${ken}`,
      `review_requested ${grace}`,
      `approved ${ada}`,
      `returned_to_draft ${grace}`,
      `review_requested ${grace}`,
      `approved ${ada}`,
      `reviewers_changed ${grace}`,
      `approved ${grace}`,
      `published ${grace}`,
    ]);
    await expect(postmortems.approve(ref, grace)).rejects.toThrow(
      `${ref} is published: it can be approved while it is in review`,
    );
  });

  it('is read-only when published until reopened with a reason', async () => {
    const { postmortems, resolvedIncident, timePasses, changes } = harness;
    const { incident } = await resolvedIncident();
    const { postmortem } = await postmortems.create(incident.id, ada);
    const ref = postmortem.reference;
    await readyToPublish(ref);
    await postmortems.setStatus(ref, 'in_review', ada);
    await postmortems.approve(ref, ada);
    await postmortems.setStatus(ref, 'published', ada);
    const [item] = (await postmortems.get(ref)).actionItems;

    await expect(
      postmortems.update(ref, { sections: { lucky: 'x' } }, ada),
    ).rejects.toThrow(
      new ConflictError(
        `${ref} is published, so it cannot change; reopen it (with a reason) first`,
      ),
    );
    await expect(
      postmortems.addActionItem(ref, { title: 'More' }, ada),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      postmortems.deleteActionItem(ref, item.id),
    ).rejects.toBeInstanceOf(ConflictError);
    await postmortems.updateActionItem(ref, item.id, { status: 'done' });

    await timePasses();
    changes.length = 0;
    const reopened = await postmortems.reopen(
      ref,
      'The trigger was wrong',
      ken,
    );
    expect(reopened).toMatchObject({
      status: 'draft',
      review: { approvals: [] },
    });
    expect(reopened.history?.at(-1)).toMatchObject({
      type: 'reopened',
      actor: ken,
      reason: 'The trigger was wrong',
    });
    await timePasses();
    expect(changes).toEqual([`${ref} status draft`]);
    await expect(postmortems.reopen(ref, 'again', ken)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const edited = await postmortems.update(
      ref,
      { sections: { trigger: 'A DNS change' } },
      ada,
    );
    expect(edited.sections[1].text).toBe('A DNS change');
  });

  it('reminds about overdue post-mortems once a day, across replicas', async () => {
    const { postmortems, resolvedIncident, timePasses, changes, jobs } =
      harness;
    const late = (await resolvedIncident('Late')).incident;
    const onTime = (await resolvedIncident('On time')).incident;
    const { postmortem } = await postmortems.create(late.id, ada);
    await postmortems.create(onTime.id, ada);
    await timePasses();
    changes.length = 0;

    await postmortems.update(postmortem.id, { dueDate: '2026-11-20' }, ada);
    expect((await postmortems.get(postmortem.id)).overdue).toBe(true);

    const monday = new Date('2026-11-23T09:00:00Z');
    // Two replicas run the hourly task at the same time.
    const counts = await Promise.all([
      postmortems.remindOverdue(monday),
      postmortems.remindOverdue(monday),
    ]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(
      await postmortems.remindOverdue(new Date('2026-11-23T17:00:00Z')),
    ).toBe(0);
    expect(
      await postmortems.remindOverdue(new Date('2026-11-24T09:00:00Z')),
    ).toBe(1);
    // The post-mortem's jobs run in order: one reminder per round.
    await timePasses();
    await timePasses();
    expect(changes).toEqual([
      `${postmortem.reference} due draft`,
      `${postmortem.reference} due draft`,
    ]);
    const dueJobs = await knex('multivac_jobs')
      .where('idempotency_key', 'like', '%:due:%')
      .orderBy('idempotency_key')
      .pluck('idempotency_key');
    expect(dueJobs).toEqual([
      `postmortem-subscriber:chat:${postmortem.id}:due:2026-11-23`,
      `postmortem-subscriber:chat:${postmortem.id}:due:2026-11-24`,
    ]);
    expect((await jobs.listForIncident(late.id)).map(j => j.type)).toContain(
      'postmortem-subscriber:chat',
    );

    await readyToPublish(postmortem.id);
    await postmortems.setStatus(postmortem.id, 'in_review', ada);
    await postmortems.approve(postmortem.id, ada);
    await postmortems.setStatus(postmortem.id, 'published', ada);
    expect(
      await postmortems.remindOverdue(new Date('2026-11-25T09:00:00Z')),
    ).toBe(0);
    expect((await postmortems.get(postmortem.id)).overdue).toBe(false);
  });

  it('lists and searches by text, team, owner, severity, status and overdue', async () => {
    const { postmortems, resolvedIncident, incidents } = harness;
    const payments = (await resolvedIncident('Card payments fail')).incident;
    const ledgerIncident = await incidents.createIncident(
      {
        title: 'Ledger 100% behind in Zürich',
        severity: 'SEV3',
        entityRefs: ['component:default/ledger'],
      },
      ken,
      { roles: [{ role: 'controller', userRef: ken }] },
    );
    await incidents.transitionIncident(ledgerIncident.id, 'resolved', ken);
    const first = (await postmortems.create(payments.id, ada)).postmortem;
    const second = (await postmortems.create(ledgerIncident.id, ken))
      .postmortem;
    await postmortems.update(
      first.id,
      { sections: { trigger: 'A bad DNS change' }, dueDate: '2026-11-01' },
      ada,
    );
    await postmortems.addActionItem(
      second.id,
      { title: 'Alert on replication lag' },
      ken,
    );

    const refs = async (filter: object) =>
      (await postmortems.list({ limit: 20, offset: 0, ...filter })).items.map(
        p => p.reference,
      );

    expect(await refs({})).toEqual([second.reference, first.reference]);
    expect(await refs({ q: 'dns' })).toEqual([first.reference]);
    expect(await refs({ q: 'LEDGER' })).toEqual([second.reference]);
    expect(await refs({ q: 'zürich' })).toEqual([second.reference]);
    // LIKE wildcards in the words are taken literally.
    expect(await refs({ q: '100%' })).toEqual([second.reference]);
    expect(await refs({ q: '%' })).toEqual([second.reference]);
    expect(await refs({ q: 'l_dger' })).toEqual([]);
    // Words in an action item find its post-mortem.
    expect(await refs({ q: 'replication LAG' })).toEqual([second.reference]);
    expect(
      await refs({ entityRefs: ['component:default/payments-api'] }),
    ).toEqual([first.reference]);
    expect(await refs({ ownerRef: ken })).toEqual([second.reference]);
    expect(await refs({ severities: ['SEV2'] })).toEqual([first.reference]);
    expect(await refs({ statuses: ['in_review'] })).toEqual([]);
    expect(await refs({ overdue: true })).toEqual([first.reference]);
    expect(await refs({ overdue: false })).toEqual([second.reference]);

    const page = await postmortems.list({ limit: 1, offset: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.items.map(p => p.reference)).toEqual([first.reference]);
    expect(page.items[0]).not.toHaveProperty('sections');
    expect(page.items[0]).toMatchObject({ overdue: true, ownerRef: grace });
  });
});
