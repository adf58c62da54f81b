import {
  ada,
  grace,
  describeOnEachDatabase,
} from './__testUtils__/postmortemStores';

jest.setTimeout(60_000);

describeOnEachDatabase('DatabaseActionItemStore.listByOwner', stores => {
  it("lists one person's items across post-mortems, earliest due first", async () => {
    const { actionItems, createPostmortem } = stores;
    const first = await createPostmortem('Card payments fail');
    const second = await createPostmortem('Cart is slow');
    const add = (
      postmortemId: string,
      title: string,
      ownerRef?: string,
      dueDate?: string,
    ) =>
      actionItems.add(
        postmortemId,
        { title, ownerRef, dueDate, createdBy: ada, tracked: false },
        async () => {},
      );
    const noDue = await add(first.id, 'Write the runbook', grace);
    const late = await add(first.id, 'Alert on declines', grace, '2026-12-20');
    const soon = await add(second.id, 'Cache totals', grace, '2026-12-08');
    await add(second.id, "Ada's item", ada, '2026-12-01');
    await add(second.id, 'Nobody yet');
    const done = await add(first.id, 'Done already', grace, '2026-12-02');
    await actionItems.update(first.id, done.id, { status: 'done' });

    const open = await actionItems.listByOwner({
      ownerRef: grace,
      statuses: ['open'],
      limit: 20,
    });
    expect(open.totalCount).toBe(3);
    expect(open.items.map(item => item.id)).toEqual([
      soon.id,
      late.id,
      noDue.id,
    ]);
    expect(open.items[0]).toMatchObject({
      title: 'Cache totals',
      ownerRef: grace,
      postmortemId: second.id,
      postmortemReference: 'PM-2',
      postmortemTitle: 'Post-mortem: Cart is slow',
    });
    const all = await actionItems.listByOwner({ ownerRef: grace, limit: 2 });
    expect(all.totalCount).toBe(4);
    expect(all.items.map(item => item.title)).toEqual([
      'Done already',
      'Cache totals',
    ]);
    expect(
      (await actionItems.listByOwner({ ownerRef: 'user:default/x', limit: 5 }))
        .totalCount,
    ).toBe(0);
  });

  it('keeps only the items of incidents the permission filter lets through', async () => {
    const { actionItems, createPostmortem, incidents } = stores;
    const visible = await createPostmortem('Card payments fail');
    const other = await incidents.createIncident(
      {
        title: 'Cart',
        severity: 'SEV3',
        entityRefs: ['component:default/cart'],
      },
      ada,
    );
    const { postmortems } = stores;
    const { postmortem: hidden } = await postmortems.create(
      {
        ...(await stores.newPostmortem('Cart')),
        incidentId: other.id,
      },
      async () => {},
    );
    for (const postmortem of [visible, hidden]) {
      await actionItems.add(
        postmortem.id,
        {
          title: postmortem.title,
          ownerRef: grace,
          createdBy: ada,
          tracked: false,
        },
        async () => {},
      );
    }
    const listed = await actionItems.listByOwner({
      ownerRef: grace,
      permission: {
        kind: 'entities',
        entityRefs: ['component:default/payments-api'],
      },
      limit: 20,
    });
    expect(listed.totalCount).toBe(1);
    expect(listed.items.map(item => item.postmortemId)).toEqual([visible.id]);
  });
});
