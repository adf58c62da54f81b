import { NotFoundError } from '@backstage/errors';
import { knexOf } from '../database/Transaction';
import {
  ada,
  grace,
  describeOnEachDatabase,
} from './__testUtils__/postmortemStores';

jest.setTimeout(60_000);

describeOnEachDatabase('DatabaseActionItemStore', stores => {
  it('adds items to a post-mortem, oldest first, as a change to it', async () => {
    const { actionItems, postmortems, createPostmortem } = stores;
    const postmortem = await createPostmortem();
    const seen: string[] = [];

    const first = await actionItems.add(
      postmortem.id,
      {
        title: 'Alert on declined payments',
        ownerRef: grace,
        dueDate: '2026-12-11',
        createdBy: ada,
        tracked: true,
      },
      async (tx, item) => {
        // Inside the transaction that inserted it.
        const row = await knexOf(tx)('multivac_postmortem_action_items')
          .where({ id: item.id })
          .first('title');
        seen.push(row.title);
      },
    );
    expect(first).toEqual({
      id: expect.any(String),
      postmortemId: postmortem.id,
      title: 'Alert on declined payments',
      ownerRef: grace,
      dueDate: '2026-12-11',
      status: 'open',
      createdBy: ada,
      createdAt: expect.any(String),
      updatedAt: first.createdAt,
      tracking: { state: 'pending', attempts: 0 },
    });
    expect(seen).toEqual(['Alert on declined payments']);
    expect((await postmortems.get(postmortem.id))!.updatedAt).toBe(
      first.createdAt,
    );

    // A moment later: items of the same millisecond go by their random id.
    await new Promise(resolve => setTimeout(resolve, 5));
    const second = await actionItems.add(
      postmortem.id,
      { title: 'Load test', createdBy: ada, tracked: false },
      async () => {},
    );
    expect(second.ownerRef).toBeUndefined();
    expect(second.dueDate).toBeUndefined();
    expect(second.tracking).toBeUndefined();
    expect(await actionItems.get(second.id)).toEqual(second);
    expect(await actionItems.list(postmortem.id)).toEqual([first, second]);
    expect(await actionItems.list((await createPostmortem('B')).id)).toEqual(
      [],
    );
    expect(await actionItems.get('nope')).toBeUndefined();
  });

  it('adds nothing when andThen throws or the post-mortem does not exist', async () => {
    const { actionItems, createPostmortem } = stores;
    const postmortem = await createPostmortem();
    const input = { title: 'One', createdBy: ada, tracked: false };
    await expect(
      actionItems.add(postmortem.id, input, async () => {
        throw new Error('no job queue');
      }),
    ).rejects.toThrow('no job queue');
    await expect(
      actionItems.add('nope', input, async () => {}),
    ).rejects.toThrow(new NotFoundError('No post-mortem nope'));
    expect(await actionItems.list(postmortem.id)).toEqual([]);
  });

  it('changes and deletes only items of the post-mortem it is given', async () => {
    const { actionItems, postmortems, createPostmortem } = stores;
    const postmortem = await createPostmortem();
    const other = await createPostmortem('Other');
    const item = await actionItems.add(
      postmortem.id,
      {
        title: 'Alert',
        ownerRef: grace,
        dueDate: '2026-12-11',
        createdBy: ada,
        tracked: false,
      },
      async () => {},
    );

    const done = await actionItems.update(postmortem.id, item.id, {
      title: 'Alert on declines',
      ownerRef: null,
      dueDate: null,
      status: 'done',
    });
    expect(done).toMatchObject({
      title: 'Alert on declines',
      status: 'done',
    });
    expect(done.ownerRef).toBeUndefined();
    expect(done.dueDate).toBeUndefined();
    expect((await postmortems.get(postmortem.id))!.updatedAt).toBe(
      done.updatedAt,
    );
    expect(
      await actionItems.update(postmortem.id, item.id, { ownerRef: ada }),
    ).toMatchObject({ title: 'Alert on declines', ownerRef: ada });

    const notHere = new NotFoundError(
      `${other.reference} has no action item ${item.id}`,
    );
    await expect(
      actionItems.update(other.id, item.id, { title: 'x' }),
    ).rejects.toThrow(notHere);
    await expect(actionItems.delete(other.id, item.id)).rejects.toThrow(
      notHere,
    );

    await actionItems.delete(postmortem.id, item.id);
    expect(await actionItems.get(item.id)).toBeUndefined();
    await expect(
      actionItems.delete(postmortem.id, item.id),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
