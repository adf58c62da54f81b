import { knexOf } from '../database/Transaction';
import { ada, describeOnEachDatabase } from './__testUtils__/postmortemStores';

jest.setTimeout(60_000);

describeOnEachDatabase('DatabasePostmortemFollowUpStore', stores => {
  const issue = (key: string, status: string, done = false) => ({
    key,
    url: `https://jira.example/browse/${key}`,
    status,
    done,
  });

  it('keeps the tracking of post-mortems and items, and the status of open issues', async () => {
    const { followUp, postmortems, actionItems, createPostmortem } = stores;
    const postmortem = await createPostmortem('A', { tracked: true });
    const add = (title: string) =>
      actionItems.add(
        postmortem.id,
        { title, createdBy: ada, tracked: true },
        async () => {},
      );
    const [one, two, three] = [
      await add('One'),
      await add('Two'),
      await add('Three'),
    ];
    const filed = (key: string) => ({
      state: 'done' as const,
      attempts: 1,
      key,
      url: `https://jira.example/browse/${key}`,
      status: 'To Do',
    });
    await followUp.setTracking({ postmortemId: postmortem.id }, filed('OPS-1'));
    await followUp.setTracking({ actionItemId: one.id }, filed('OPS-2'));
    await followUp.setTracking({ actionItemId: two.id }, filed('OPS-3'));
    await followUp.setTracking(
      { actionItemId: three.id },
      { state: 'failed', attempts: 2, error: 'Jira answered 503' },
    );
    expect((await postmortems.get(postmortem.id))!.tracking).toEqual(
      filed('OPS-1'),
    );
    expect((await actionItems.get(three.id))!.tracking).toEqual({
      state: 'failed',
      attempts: 2,
      error: 'Jira answered 503',
    });
    expect((await followUp.listOpenTrackerKeys()).sort()).toEqual([
      'OPS-1',
      'OPS-2',
      'OPS-3',
    ]);

    await followUp.recordTrackerStates([
      issue('OPS-1', 'In Review'),
      issue('OPS-2', 'Done', true),
      issue('OPS-3', 'In Progress'),
    ]);
    expect((await postmortems.get(postmortem.id))!.tracking?.status).toBe(
      'In Review',
    );
    const state = async (itemId: string) => {
      const item = await actionItems.get(itemId);
      return [item?.title, item?.status, item?.tracking?.status];
    };
    expect(await state(one.id)).toEqual(['One', 'done', 'Done']);
    expect(await state(two.id)).toEqual(['Two', 'open', 'In Progress']);
    expect(await state(three.id)).toEqual(['Three', 'open', undefined]);
    // Done items and published post-mortems are no longer asked about.
    expect((await followUp.listOpenTrackerKeys()).sort()).toEqual([
      'OPS-1',
      'OPS-3',
    ]);
    await postmortems.transition(postmortem.id, 'in_review', ada, noop);
    await postmortems.transition(postmortem.id, 'published', ada, noop);
    expect(await followUp.listOpenTrackerKeys()).toEqual(['OPS-3']);

    // Reopened in the tracker: the status follows, the item stays done.
    await followUp.recordTrackerStates([issue('OPS-2', 'Reopened')]);
    expect(await actionItems.get(one.id)).toMatchObject({
      status: 'done',
      tracking: { status: 'Reopened' },
    });
  });

  it('reminds of unpublished post-mortems due before today, once a day', async () => {
    const { followUp, postmortems, createPostmortem } = stores;
    const late = await createPostmortem('Late', { dueDate: '2026-11-20' });
    await createPostmortem('On time', { dueDate: '2026-12-04' });
    const reminded: string[] = [];
    const remind = (postmortemId: string, today: string) =>
      followUp.markReminded(postmortemId, today, async (tx, postmortem) => {
        const row = await knexOf(tx)('multivac_postmortems')
          .where({ id: postmortem.id })
          .first('last_reminded_on');
        reminded.push(
          `${postmortem.incidentId} ${today} ${row.last_reminded_on}`,
        );
      });

    expect(await followUp.listDueForReminder('2026-11-20')).toEqual([]);
    expect(await followUp.listDueForReminder('2026-11-23')).toEqual([late.id]);
    const twice = await Promise.all([
      remind(late.id, '2026-11-23'),
      remind(late.id, '2026-11-23'),
    ]);
    expect(twice.sort()).toEqual([false, true]);
    expect(reminded).toEqual([`${late.incidentId} 2026-11-23 2026-11-23`]);
    expect(await followUp.listDueForReminder('2026-11-23')).toEqual([]);

    // A reminder that could not be sent is not recorded.
    await expect(
      followUp.markReminded(late.id, '2026-11-24', async () => {
        throw new Error('queue down');
      }),
    ).rejects.toThrow('queue down');
    expect(await followUp.listDueForReminder('2026-11-24')).toEqual([late.id]);
    expect(await remind(late.id, '2026-11-24')).toBe(true);

    await postmortems.transition(late.id, 'in_review', ada, noop);
    await postmortems.transition(late.id, 'published', ada, noop);
    expect(await followUp.listDueForReminder('2026-11-25')).toEqual([]);
    expect(await remind(late.id, '2026-11-25')).toBe(false);
  });
});

async function noop() {}
