import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const ACTIONS = '/api/multivac/.backstage/actions/v1/actions';

/** As the actions service calls it: POST …/<id>/invoke with the input as the body. */
const invoke = (
  server: Parameters<typeof request>[0],
  name: string,
  input: object,
  headers: Record<string, string> = asAda,
) =>
  request(server)
    .post(`${ACTIONS}/${encodeURIComponent(`multivac:${name}`)}/invoke`)
    .set(headers)
    .send(input);

/** A policy that refuses `denied` and allows everything else. */
const refusing = (...denied: string[]) =>
  createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => {
      const decide = async (
        requests: Array<{ permission: { name: string } }>,
      ) =>
        requests.map(({ permission }) => ({
          result: denied.includes(permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        }));
      return { authorize: decide, authorizeConditional: decide } as any;
    },
  });

const declareInput = {
  title: 'Card payments failing',
  severity: 'SEV2',
  entityRefs: ['payments-api'],
  summary: 'Visa payments return 502',
};

describe("Multivac's actions through the actions registry", () => {
  it('lists the nine actions with truthful attributes and input schemas', async () => {
    const { server } = await startBackend();
    const res = await request(server).get(ACTIONS).set(asAda);
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.actions.map((a: any) => [a.name, a]),
    );
    const read = { readOnly: true, destructive: false, idempotent: true };
    const add = { readOnly: false, destructive: false, idempotent: false };
    expect(
      Object.fromEntries(
        Object.entries(byName).map(([name, a]: [string, any]) => [
          name,
          a.attributes,
        ]),
      ),
    ).toEqual({
      'who-is-on-call': read,
      'list-active-incidents': read,
      'get-incident': read,
      'check-release-window': read,
      'declare-incident': add,
      'add-incident-note': add,
      'page-on-call': add,
      'book-release': add,
      'create-triage-report': add,
    });
    expect(byName['declare-incident'].id).toBe('multivac:declare-incident');
    // The README's curl names the action unencoded.
    const plain = await request(server)
      .post(`${ACTIONS}/multivac:who-is-on-call/invoke`)
      .set(asAda)
      .send({ entityRef: 'component:default/payments-api' });
    expect(plain.status).toBe(200);
    expect(plain.body.output.schedule.id).toBe('payments-primary');
    // The JSON schema is the REST route's zod schema's.
    expect(byName['declare-incident'].schema.input).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title', 'severity', 'entityRefs']),
      properties: {
        severity: { enum: ['SEV1', 'SEV2', 'SEV3', 'SEV4'] },
      },
      additionalProperties: false,
    });
    expect(byName['add-incident-note'].schema.input).toMatchObject({
      required: expect.arrayContaining(['text', 'incident']),
    });
  });

  it('runs each action as the calling user', async () => {
    const { server } = await startBackend();

    const declared = await invoke(server, 'declare-incident', declareInput);
    expect(declared.status).toBe(200);
    expect(declared.body.output).toMatchObject({
      reference: 'INC-1',
      status: 'triggered',
      severity: 'SEV2',
      entityRefs: ['component:default/payments-api'],
      createdBy: 'user:default/ada.lovelace',
      roles: [{ role: 'controller', userRef: 'user:default/ada.lovelace' }],
    });

    const note = await invoke(server, 'add-incident-note', {
      incident: 'INC-1',
      text: 'Rolled back ledger 4.2.1',
    });
    expect(note.status).toBe(200);
    expect(note.body.output).toMatchObject({
      type: 'note',
      actor: 'user:default/ada.lovelace',
      payload: { text: 'Rolled back ledger 4.2.1' },
    });

    const shown = await invoke(server, 'get-incident', { incident: 'INC-1' });
    expect(shown.status).toBe(200);
    expect(shown.body.output.incident).toMatchObject({
      reference: 'INC-1',
      summary: 'Visa payments return 502',
    });
    expect(shown.body.output.timeline.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['declared', 'note']),
    );
    expect(shown.body.output.timelineCount).toBe(
      shown.body.output.timeline.length,
    );

    // Active by default; a group finds its services' incidents.
    const active = await invoke(server, 'list-active-incidents', {
      entityRef: 'group:default/payments',
    });
    expect(active.status).toBe(200);
    expect(active.body.output).toMatchObject({
      totalCount: 1,
      limit: 20,
      items: [{ reference: 'INC-1' }],
    });
    const otherSeverity = await invoke(server, 'list-active-incidents', {
      severity: ['SEV1'],
    });
    expect(otherSeverity.body.output.totalCount).toBe(0);
    const resolvedOnly = await invoke(server, 'list-active-incidents', {
      status: 'resolved',
    });
    expect(resolvedOnly.body.output.totalCount).toBe(0);

    const onCall = await invoke(server, 'who-is-on-call', {
      entityRef: 'payments-api',
      at: '2026-11-03T10:00:00Z',
    });
    expect(onCall.status).toBe(200);
    expect(onCall.body.output).toMatchObject({
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'group:default/payments',
      provider: 'builtin',
      schedule: { id: 'payments-primary' },
    });
    // 2026-11-02 is the first Monday of the weekly rotation: Ada's week.
    expect(onCall.body.output.levels[0]).toMatchObject({
      level: 1,
      onCall: [
        {
          person: expect.objectContaining({
            userRef: 'user:default/ada.lovelace',
          }),
        },
      ],
    });

    const paged = await invoke(server, 'page-on-call', {
      entityRef: 'ledger',
      summary: 'Ledger writes time out',
    });
    expect(paged.status).toBe(200);
    expect(paged.body.output).toMatchObject({
      entityRef: 'component:default/ledger',
      scheduleId: 'shop-247',
      status: 'triggered',
      summary: 'Ledger writes time out',
    });

    // The active SEV2 on payments-api freezes its production releases.
    const window = {
      environment: 'production',
      start: '2030-01-07T10:00:00Z',
      end: '2030-01-07T11:00:00Z',
    };
    const checked = await invoke(server, 'check-release-window', {
      entityRef: 'cart',
      ...window,
    });
    expect(checked.status).toBe(200);
    expect(checked.body.output).toEqual({ conflicts: [], blocked: false });

    const booked = await invoke(server, 'book-release', {
      entityRef: 'cart',
      title: 'v2.4.1',
      ...window,
    });
    expect(booked.status).toBe(200);
    expect(booked.body.output).toMatchObject({
      reference: 'REL-1',
      entityRef: 'component:default/cart',
      ownerRef: 'group:default/storefront',
      createdBy: 'user:default/ada.lovelace',
      conflicts: [],
    });
    const again = await invoke(server, 'check-release-window', {
      entityRef: 'cart',
      ...window,
    });
    expect(again.body.output.conflicts).toEqual([
      expect.objectContaining({ releaseId: booked.body.output.id }),
    ]);

    const report = await invoke(server, 'create-triage-report', {
      title: 'Checkout is slow',
      entityRef: 'payments-api',
      usersAffected: 'few',
      scope: 'global',
      customerFacing: true,
    });
    expect(report.status).toBe(200);
    expect(report.body.output).toMatchObject({
      reference: 'RPT-1',
      entityRef: 'component:default/payments-api',
      reportedBy: 'user:default/ada.lovelace',
    });
  });

  it('refuses an action whose permission the policy denies, and changes nothing', async () => {
    const { server } = await startBackend(undefined, {}, [
      refusing('multivac.incident.create', 'multivac.oncall.page'),
    ]);
    const refused = await invoke(server, 'declare-incident', declareInput);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'You are not allowed to multivac.incident.create',
    });
    const noPage = await invoke(server, 'page-on-call', {
      entityRef: 'ledger',
      summary: 'Ledger writes time out',
    });
    expect(noPage.status).toBe(403);
    expect(noPage.body.error.name).toBe('NotAllowedError');

    // Nothing was declared or paged.
    const list = await invoke(server, 'list-active-incidents', {
      status: 'all',
    });
    expect(list.status).toBe(200);
    expect(list.body.output.totalCount).toBe(0);
    const pages = await request(server).get('/api/multivac/pages').set(asAda);
    expect(pages.body.items).toEqual([]);
  });

  it('refuses every action under a policy that denies everything', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    for (const [name, input] of [
      ['who-is-on-call', { entityRef: 'payments-api' }],
      ['list-active-incidents', {}],
      ['get-incident', { incident: 'INC-1' }],
      [
        'check-release-window',
        {
          entityRef: 'cart',
          environment: 'production',
          start: '2030-01-07T10:00:00Z',
          end: '2030-01-07T11:00:00Z',
        },
      ],
    ] as const) {
      const res = await invoke(server, name, input);
      expect({ name, status: res.status, error: res.body.error?.name }).toEqual(
        { name, status: 403, error: 'NotAllowedError' },
      );
    }
  });

  it('refuses anonymous callers', async () => {
    const { server } = await startBackend();
    const res = await invoke(
      server,
      'list-active-incidents',
      {},
      { Authorization: mockCredentials.none.header() },
    );
    expect(res.status).toBe(401);
  });

  it('names the field of a bad input, as the REST route does', async () => {
    const { server } = await startBackend();
    const bad = async (name: string, input: object) => {
      const res = await invoke(server, name, input);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      return res.body.error.message as string;
    };
    expect(
      await bad('declare-incident', { ...declareInput, severity: 'SEV9' }),
    ).toMatch(/^Invalid incident: severity: /);
    expect(await bad('declare-incident', { ...declareInput, title: '' })).toBe(
      'Invalid incident: title: must not be empty',
    );
    expect(
      await bad('declare-incident', { ...declareInput, colour: 'red' }),
    ).toMatch(/colour/);
    expect(await bad('list-active-incidents', { limit: 1000 })).toMatch(
      /^Invalid query: limit: /,
    );
    expect(await bad('add-incident-note', { text: 'hello' })).toMatch(
      /^Invalid input: incident: /,
    );
    expect(
      await bad('add-incident-note', { incident: 'INC-1', text: ' ' }),
    ).toMatch(/^Invalid note: text: must not be empty/);
    expect(
      await bad('book-release', {
        entityRef: 'cart',
        title: 'v1',
        environment: 'production',
        start: 'tomorrow',
        end: '2030-01-07T11:00:00Z',
      }),
    ).toMatch(/^Invalid release: start: /);
    expect(
      await bad('create-triage-report', {
        title: 'Checkout is slow',
        entityRef: 'payments-api',
        usersAffected: 'few',
        scope: 'region',
        customerFacing: true,
      }),
    ).toMatch(/region: say which region/);
    // The same message as the route's.
    const route = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({ ...declareInput, severity: 'SEV9' });
    expect(route.status).toBe(400);
    expect(
      await bad('declare-incident', { ...declareInput, severity: 'SEV9' }),
    ).toBe(route.body.error.message);
  });
});
