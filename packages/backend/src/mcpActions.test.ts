import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { DemoBackend, startDemoBackend } from './__testUtils__/demoBackend';

jest.setTimeout(180_000);

/**
 * The demo backend as `npm start` wires it (app-config.yaml with
 * `backend.actions.pluginSources: ['multivac']`, the sample policy, the MCP
 * actions backend), on a free port: an MCP client signed in (guest
 * sign-in as Grace Hopper) lists Multivac's tools and calls them through /api/mcp-actions/v1.
 */
describe("Multivac's actions over MCP in the demo backend", () => {
  let demo: DemoBackend;
  let nextId = 1;

  /** One JSON-RPC request to the MCP server (stateless streamable HTTP). */
  const mcp = async (method: string, params: object = {}) => {
    const res = await fetch(`${demo.baseUrl}/api/mcp-actions/v1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${demo.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    // Answered as one server-sent event: `event: message\ndata: {...}`.
    const data = text
      .split('\n')
      .find(line => line.startsWith('data: '))
      ?.slice('data: '.length);
    return JSON.parse(data ?? text);
  };
  const call = async (name: string, args: object) =>
    (await mcp('tools/call', { name, arguments: args })).result;

  beforeAll(async () => {
    demo = await startDemoBackend({
      features: [mcpActionsPlugin],
      // Not an admin of the sample policy, unlike the demo's Ada.
      guestUserRef: 'user:default/grace.hopper',
    });
    await demo.waitForEntities(['component:default/payments-api']);
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it("lists Multivac's tools with their annotations", async () => {
    const { result } = await mcp('tools/list');
    const tools = Object.fromEntries(
      result.tools.map((t: any) => [t.name, t.annotations]),
    );
    expect(Object.keys(tools).sort()).toEqual([
      'multivac.add-incident-note',
      'multivac.book-release',
      'multivac.check-release-window',
      'multivac.create-triage-report',
      'multivac.declare-incident',
      'multivac.get-incident',
      'multivac.list-active-incidents',
      'multivac.page-on-call',
      'multivac.who-is-on-call',
    ]);
    expect(tools['multivac.get-incident']).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(tools['multivac.declare-incident']).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
  });

  // Signed in as Grace Hopper of the payments team.
  it('declares an incident as the signed-in user and reads it back', async () => {
    const declared = await call('multivac.declare-incident', {
      title: 'Card payments failing',
      severity: 'SEV3',
      entityRefs: ['component:default/payments-api'],
    });
    expect(declared.isError).toBeFalsy();
    expect(declared.structuredContent).toMatchObject({
      reference: 'INC-1',
      createdBy: 'user:default/grace.hopper',
      roles: [{ role: 'controller', userRef: 'user:default/grace.hopper' }],
    });
    // The sample policy lets the controller read it.
    const shown = await call('multivac.get-incident', { incident: 'INC-1' });
    expect(shown.isError).toBeFalsy();
    expect(shown.structuredContent.incident.title).toBe(
      'Card payments failing',
    );
  });

  it("reports the route's refusal and the field of a bad input to the assistant", async () => {
    // Only the owning team may force a booking past a block (sample policy):
    // checkout-web is the storefront team's.
    const forced = await call('multivac.book-release', {
      entityRef: 'component:default/checkout-web',
      title: 'v2.4.1',
      environment: 'production',
      start: '2030-01-07T10:00:00Z',
      end: '2030-01-07T11:00:00Z',
      force: { reason: 'hotfix' },
    });
    expect(forced.isError).toBe(true);
    expect(forced.content[0].text).toMatch(
      /^NotAllowedError: You are not allowed to multivac\.release\.force on a release of component:default\/checkout-web/,
    );
    // Nothing was booked.
    const releases = await demo.get(
      '/api/multivac/releases?entityRef=component:default/checkout-web',
    );
    expect(releases.body.totalCount).toBe(0);

    const bad = await call('multivac.declare-incident', {
      title: 'Card payments failing',
      severity: 'SEV9',
      entityRefs: ['component:default/payments-api'],
    });
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(
      /^InputError: Invalid incident: severity: /,
    );
  });
});
