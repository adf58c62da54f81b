import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  alertReadPermission,
  oncallPagePermission,
  pageAcknowledgePermission,
  RESOURCE_TYPE_MULTIVAC_PAGE,
} from '@multivac/plugin-multivac-common';
import request from 'supertest';
import { asAda, startBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

// Tuesday 2026-11-10 12:00 in Berlin: week 2 of the rotation, Grace's turn.
const AT = '2026-11-10T11:00:00Z';

describe('GET /api/multivac/oncall', () => {
  it("answers from the owner Group's schedule with contacts, next shift and escalation", async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get(`/api/multivac/oncall?entityRef=payments-api&at=${AT}`)
      .set(asAda);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'group:default/payments',
      provider: 'builtin',
      schedule: { id: 'payments-primary', name: 'Payments primary' },
    });
    const [level1, level2] = res.body.levels;
    expect(level1).toMatchObject({ level: 1, timeoutMinutes: 10 });
    expect(level1.onCall).toEqual([
      {
        person: {
          userRef: 'user:default/grace.hopper',
          name: 'Grace Hopper',
          email: 'grace.hopper@nimbus.example',
          phone: '+49 30 1002',
        },
        start: '2026-11-09T09:00:00.000+01:00',
        end: '2026-11-16T09:00:00.000+01:00',
      },
    ]);
    expect(level2.onCall[0].person.name).toBe('Ken Thompson');
    expect(res.body.next).toMatchObject({
      person: {
        name: 'Ada Lovelace',
        phone: '+49 30 1001',
        slackUserId: 'U0ADA',
      },
      start: '2026-11-16T09:00:00.000+01:00',
    });
  });

  it("prefers the entity's own annotation, then the owner's, then the System's", async () => {
    const { server } = await startBackend();
    const from = async (ref: string) =>
      (
        await request(server)
          .get(`/api/multivac/oncall?entityRef=${ref}&at=${AT}`)
          .set(asAda)
      ).body.resolvedFrom;
    expect(await from('component:default/ledger')).toBe(
      'component:default/ledger',
    );
    expect(await from('payments-api')).toBe('group:default/payments');
    expect(await from('cart')).toBe('system:default/shop');
  });

  it('says plainly when nobody can be found', async () => {
    const { server } = await startBackend();
    const none = await request(server)
      .get('/api/multivac/oncall?entityRef=orphan')
      .set(asAda);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(
      'Nobody is on call for component:default/orphan: none of component:default/orphan, ' +
        'group:default/storefront has an on-call annotation (multivac.io/oncall-schedule or pagerduty.com/service-id)',
    );
    const unknownSchedule = await request(server)
      .get('/api/multivac/oncall?entityRef=misconfigured')
      .set(asAda);
    expect(unknownSchedule.status).toBe(404);
    expect(unknownSchedule.body.error.message).toContain(
      "names on-call schedule 'no-such-schedule', which is neither in multivac.onCall.schedules nor a Schedule entity in the catalog",
    );
    const unknownEntity = await request(server)
      .get('/api/multivac/oncall?entityRef=nope')
      .set(asAda);
    expect(unknownEntity.status).toBe(404);
    const missing = await request(server)
      .get('/api/multivac/oncall')
      .set(asAda);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('entityRef');
  });

  it('lists the schedules with who is on call and the next days of shifts', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get(`/api/multivac/oncall/schedules?from=${AT}&days=14`)
      .set(asAda);
    expect(res.status).toBe(200);
    const payments = res.body.items.find(
      (s: any) => s.id === 'payments-primary',
    );
    expect(payments.onCallNow.person.name).toBe('Grace Hopper');
    expect(payments.shifts.map((s: any) => [s.person.name, s.start])).toEqual([
      ['Grace Hopper', '2026-11-10T12:00:00.000+01:00'],
      ['Ada Lovelace', '2026-11-16T09:00:00.000+01:00'],
      ['Grace Hopper', '2026-11-23T09:00:00.000+01:00'],
    ]);
    const bad = await request(server)
      .get('/api/multivac/oncall/schedules?days=400')
      .set(asAda);
    expect(bad.status).toBe(400);
  });

  it('checks the on-call permissions on every route', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    for (const path of [
      '/api/multivac/oncall?entityRef=payments-api',
      '/api/multivac/oncall/card?entityRef=payments-api',
      '/api/multivac/oncall/schedules',
      '/api/multivac/pages',
      '/api/multivac/pages/some-id',
    ]) {
      expect((await request(server).get(path).set(asAda)).status).toBe(403);
    }
    const page = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ entityRef: 'payments-api', summary: 'x' });
    expect(page.status).toBe(403);
    const ack = await request(server)
      .post('/api/multivac/pages/some-id/acknowledge')
      .set(asAda);
    expect(ack.status).toBe(403);
  });
});

const ADA = 'user:default/ada.lovelace';
const asKen = {
  Authorization: mockCredentials.user.header('user:default/ken.thompson'),
};

/**
 * A policy that lets Ada acknowledge only the pages that page her (a
 * conditional decision, IS_PAGE_TARGET), and refuses her paging and reading
 * alerts; everything else, and everyone else, is allowed. Counts what it is
 * asked, per permission name.
 */
function targetOnlyPolicy() {
  const asked = new Map<string, number>();
  /** Ada's calls to the policy, per method. */
  const calls = { authorize: 0, conditional: 0 };
  const isAda = (credentials: BackstageCredentials) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef === ADA;
  const decide = (
    name: string,
    credentials: BackstageCredentials,
  ): PolicyDecision => {
    asked.set(name, (asked.get(name) ?? 0) + 1);
    if (!isAda(credentials)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (name === pageAcknowledgePermission.name) {
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'multivac',
        resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
        conditions: {
          rule: 'IS_PAGE_TARGET',
          resourceType: RESOURCE_TYPE_MULTIVAC_PAGE,
          params: { userRef: ADA },
        },
      };
    }
    return {
      result: [oncallPagePermission.name, alertReadPermission.name].includes(
        name,
      )
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    };
  };
  const service: PermissionsService = {
    async authorize(requests, { credentials }) {
      if (isAda(credentials)) {
        calls.authorize++;
      }
      return requests.map(r => {
        const decision = decide(r.permission.name, credentials);
        // Not needed by the card: it applies conditions itself.
        return decision.result === AuthorizeResult.CONDITIONAL
          ? { result: AuthorizeResult.DENY }
          : { result: decision.result };
      });
    },
    async authorizeConditional(requests, { credentials }) {
      if (isAda(credentials)) {
        calls.conditional++;
      }
      return requests.map(r => decide(r.permission.name, credentials)) as any;
    },
  };
  return {
    asked,
    calls,
    factory: createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => service,
    }),
  };
}

describe('GET /api/multivac/oncall/card', () => {
  it("answers the card in one request: on call, recent pages, firing alerts and the viewer's decisions", async () => {
    const { server } = await startBackend();
    const paged = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ entityRef: 'payments-api', summary: 'Card payments failing' });
    expect(paged.status).toBe(201);

    const res = await request(server)
      .get('/api/multivac/oncall/card?entityRef=payments-api')
      .set(asAda);
    expect(res.status).toBe(200);
    expect(res.body.onCall).toMatchObject({
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'group:default/payments',
      schedule: { id: 'payments-primary' },
    });
    expect(res.body.notFound).toBeUndefined();
    expect(res.body.recentPages.map((p: any) => p.id)).toEqual([paged.body.id]);
    expect(res.body.firingAlerts).toBe(0);
    expect(res.body.viewer).toEqual({
      mayPage: true,
      mayAcknowledge: [paged.body.id],
      mayOverride: true,
    });

    // An acknowledged page is nobody's to acknowledge any more.
    await request(server)
      .post(`/api/multivac/pages/${paged.body.id}/acknowledge`)
      .set(asAda);
    const after = await request(server)
      .get('/api/multivac/oncall/card?entityRef=payments-api')
      .set(asAda);
    expect(after.body.recentPages[0].status).toBe('acknowledged');
    expect(after.body.viewer.mayAcknowledge).toEqual([]);
  });

  it('says why nobody is on call and still answers the rest; names a missing entityRef', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get('/api/multivac/oncall/card?entityRef=orphan')
      .set(asAda);
    expect(res.status).toBe(200);
    expect(res.body.onCall).toBeUndefined();
    expect(res.body.notFound).toContain(
      'Nobody is on call for component:default/orphan',
    );
    expect(res.body).toMatchObject({
      recentPages: [],
      // Nobody on call: no schedule to cover.
      viewer: { mayPage: true, mayAcknowledge: [], mayOverride: false },
    });
    const missing = await request(server)
      .get('/api/multivac/oncall/card')
      .set(asAda);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('entityRef');
  });

  it("applies the policy's conditions to each page: only the pages that page the viewer are acknowledgeable", async () => {
    const policy = targetOnlyPolicy();
    const { server } = await startBackend(undefined, {}, [policy.factory]);
    const page = async (userRef: string) => {
      const res = await request(server)
        .post('/api/multivac/pages')
        .set(asKen)
        .send({ userRef, entityRef: 'payments-api', summary: `to ${userRef}` });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const forAda = await page('ada.lovelace');
    const forGrace = await page('grace.hopper');

    const res = await request(server)
      .get('/api/multivac/oncall/card?entityRef=payments-api')
      .set(asAda);
    expect(res.status).toBe(200);
    expect(res.body.recentPages.map((p: any) => p.id).sort()).toEqual(
      [forAda, forGrace].sort(),
    );
    expect(res.body.viewer).toEqual({
      mayPage: false,
      mayAcknowledge: [forAda],
      // The policy decides pages only; covering is allowed.
      mayOverride: true,
    });
    // Ada may not read alerts: no count rather than an error.
    expect(res.body).not.toHaveProperty('firingAlerts');

    // The policy was asked once per permission, not once per page: in one
    // call for the basic ones (on-call read, page, alert read, override) and three for
    // the conditional ones (reading pages; the catalog entity, read with
    // Ada's credentials; acknowledging the pages found).
    expect(policy.asked.get(pageAcknowledgePermission.name)).toBe(1);
    expect(policy.asked.get('catalog.entity.read')).toBe(1);
    expect(policy.calls).toEqual({ authorize: 1, conditional: 3 });
    const again = await request(server)
      .get('/api/multivac/oncall/card?entityRef=payments-api')
      .set(asAda);
    expect(again.body.viewer.mayAcknowledge).toEqual([forAda]);
    expect(policy.asked.get(pageAcknowledgePermission.name)).toBe(1);
    expect(policy.calls).toEqual({ authorize: 1, conditional: 3 });
  });
});

describe('/api/multivac/pages', () => {
  it('pages whoever is on call, lists the page and lets it be acknowledged once', async () => {
    const { server } = await startBackend();
    const created = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        entityRef: 'payments-api',
        summary: 'Card payments failing',
        details: { usersAffected: '1000+', where: 'global' },
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'group:default/payments',
      provider: 'builtin',
      urgency: 'high',
      status: 'triggered',
      level: 1,
      details: { usersAffected: '1000+', where: 'global' },
      createdBy: 'user:default/ada.lovelace',
    });
    expect(created.body.targets).toHaveLength(1);

    const list = await request(server)
      .get('/api/multivac/pages?entityRef=component:default/payments-api')
      .set(asAda);
    expect(list.body.items.map((p: any) => p.id)).toEqual([created.body.id]);
    const other = await request(server)
      .get('/api/multivac/pages?entityRef=cart')
      .set(asAda);
    expect(other.body.items).toEqual([]);

    const ack = await request(server)
      .post(`/api/multivac/pages/${created.body.id}/acknowledge`)
      .set(asAda);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/ada.lovelace',
    });
    const again = await request(server)
      .post(`/api/multivac/pages/${created.body.id}/acknowledge`)
      .set(asAda);
    expect(again.status).toBe(409);
    // Who by display name, when with its zone named: not a ref, not ISO.
    const at = new Date(ack.body.acknowledgedAt);
    const month = at.toLocaleString('en-US', {
      month: 'short',
      timeZone: 'UTC',
    });
    expect(again.body.error.message).toMatch(
      new RegExp(
        `^The page was already acknowledged by Ada Lovelace at ${month} ${at.getUTCDate()}, ${at.getUTCFullYear()}, \\d{1,2}:\\d{2}:\\d{2} [AP]M UTC$`,
      ),
    );
  });

  it('pages one person directly, listed with the entity it is about, without escalation', async () => {
    const { server } = await startBackend();
    const created = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        userRef: 'grace.hopper',
        entityRef: 'payments-api',
        summary: 'Can you look at the ledger lag?',
        urgency: 'low',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      resolvedFrom: 'user:default/grace.hopper',
      provider: 'builtin',
      scheduleName: 'direct page to Grace Hopper',
      fallback: false,
      urgency: 'low',
      targets: [{ userRef: 'user:default/grace.hopper', name: 'Grace Hopper' }],
      delivery: 'recorded; sent to chat where configured',
    });
    const list = await request(server)
      .get('/api/multivac/pages?entityRef=payments-api')
      .set(asAda);
    expect(list.body.items.map((p: any) => p.id)).toEqual([created.body.id]);

    const aboutNothing = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ userRef: 'user:default/ken.thompson', summary: 'call me' });
    expect(aboutNothing.body).toMatchObject({
      entityRef: 'user:default/ken.thompson',
      targets: [{ name: 'Ken Thompson' }],
    });
  });

  it('pages a named built-in schedule about an entity', async () => {
    const { server } = await startBackend();
    const created = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({
        scheduleId: 'shop-247',
        entityRef: 'payments-api',
        summary: 'Shop-wide checkout errors',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      provider: 'builtin',
      scheduleId: 'shop-247',
      scheduleName: 'Shop 24/7',
      fallback: false,
      targets: [{ name: 'Ken Thompson' }],
    });
  });

  it('refuses pages to the wrong kind of target, naming the field', async () => {
    const { server } = await startBackend();
    const send = async (body: object) => {
      const res = await request(server)
        .post('/api/multivac/pages')
        .set(asAda)
        .send({ summary: 'help', ...body });
      return [res.status, res.body.error?.message];
    };
    expect(await send({})).toEqual([
      400,
      "Invalid page: entityRef: name the entity whose on-call to page, or a person's userRef",
    ]);
    expect(
      await send({ userRef: 'ada.lovelace', scheduleId: 'shop-247' }),
    ).toEqual([
      400,
      'Invalid page: scheduleId: page a person (userRef) or a schedule, not both',
    ]);
    expect(await send({ scheduleId: 'shop-247' })).toEqual([
      400,
      'Invalid page: entityRef: say which entity the schedule is paged about',
    ]);
    expect(
      await send({ scheduleId: 'nightly', entityRef: 'payments-api' }),
    ).toEqual([
      400,
      "scheduleId: no built-in schedule 'nightly' in multivac.onCall.schedules",
    ]);
    expect(await send({ userRef: 'group:default/payments' })).toEqual([
      400,
      'userRef: not a catalog User: group:default/payments',
    ]);
    expect(await send({ userRef: 'nobody' })).toEqual([
      400,
      'userRef: unknown catalog entity: user:default/nobody',
    ]);
    expect(await send({ entityRef: 'no-such-service' })).toEqual([
      400,
      'entityRefs: unknown catalog entity: component:default/no-such-service',
    ]);
  });

  it('refuses bad pages with the reason', async () => {
    const { server } = await startBackend();
    const noSummary = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ entityRef: 'payments-api', summary: '' });
    expect(noSummary.status).toBe(400);
    expect(noSummary.body.error.message).toBe(
      'Invalid page: summary: say why you are paging',
    );
    const nobody = await request(server)
      .post('/api/multivac/pages')
      .set(asAda)
      .send({ entityRef: 'orphan', summary: 'help' });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.message).toContain(
      'Nobody is on call for component:default/orphan',
    );
    const missing = await request(server)
      .post('/api/multivac/pages/nope/acknowledge')
      .set(asAda);
    expect(missing.status).toBe(404);
  });
});
