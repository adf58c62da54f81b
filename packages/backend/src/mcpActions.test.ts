import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleMultivacSchedules from '@multivac/plugin-catalog-backend-module-multivac';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import multivacPlugin from '@multivac/plugin-multivac-backend';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { permissionPolicyModule } from './permissionPolicy';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The demo backend as `npm start` wires it (app-config.yaml with
 * `backend.actions.pluginSources: ['multivac']`, the sample policy, the MCP
 * actions backend), on a free port: an MCP client signed in (guest
 * sign-in as Grace Hopper) lists Multivac's tools and calls them through /api/mcp-actions/v1.
 */
describe("Multivac's actions over MCP in the demo backend", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-mcp-'));
  let backend: ReturnType<typeof createBackend>;
  let baseUrl: string;
  let token: string;
  let nextId = 1;

  /** One JSON-RPC request to the MCP server (stateless streamable HTTP). */
  const mcp = async (method: string, params: object = {}) => {
    const res = await fetch(`${baseUrl}/api/mcp-actions/v1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
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
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const override = path.join(dir, 'override.yaml');
    fs.writeFileSync(
      override,
      [
        'backend:',
        `  baseUrl: ${baseUrl}`,
        '  listen:',
        `    port: ${port}`,
        '  database:',
        '    client: better-sqlite3',
        "    connection: ':memory:'",
        'auth:',
        '  providers:',
        '    guest:',
        '      dangerouslyAllowOutsideDevelopment: true',
        // Not an admin of the sample policy, unlike the demo's Ada.
        '      userEntityRef: user:default/grace.hopper',
        'multivac:',
        '  demo:',
        '    history: false',
        '',
      ].join('\n'),
    );
    backend = createBackend();
    backend.add(
      rootConfigServiceFactory({
        argv: [
          'node',
          'backend',
          '--config',
          path.join(root, 'app-config.yaml'),
          '--config',
          override,
        ],
      }),
    );
    backend.add(authPlugin);
    backend.add(guestProvider);
    backend.add(catalogPlugin);
    backend.add(catalogModuleMultivacSchedules);
    backend.add(permissionPlugin);
    backend.add(permissionPolicyModule);
    backend.add(multivacPlugin);
    backend.add(mcpActionsPlugin);
    await backend.start();

    const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    token = (await auth.json()).backstageIdentity.token;
    // The catalog ingests examples/ in the background.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (res.status === 200) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error('The demo catalog was not ingested in time');
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
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
    const releases = await fetch(
      `${baseUrl}/api/multivac/releases?entityRef=component:default/checkout-web`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect((await releases.json()).totalCount).toBe(0);

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
