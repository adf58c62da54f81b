import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import catalogModuleMultivacSchedules, {
  validateScheduleFiles,
} from '@multivac/plugin-catalog-backend-module-multivac';
import multivacPlugin, {
  multivacScaffolderModule,
} from '@multivac/plugin-multivac-backend';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
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
 * The "Put a team on call" template as the demo ingests it
 * (examples/templates/put-team-on-call), run through the Scaffolder's dry
 * run (`POST /api/scaffolder/v2/dry-run`) in the demo backend's wiring
 * (app-config.yaml, the sample policy, the Scaffolder with its GitHub
 * module and Multivac's module), signed in as the guest (Ada). A dry run
 * runs every step that supports it: multivac:schedule:render for real,
 * publish:github:pull-request without calling GitHub.
 */
describe('The "Put a team on call" template through the Scaffolder dry run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-scaffolder-'));
  let backend: ReturnType<typeof createBackend>;
  let baseUrl: string;
  let token: string;
  let template: any;
  let previousDirectory: string;

  const dryRun = async (values: object) => {
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ template, values, directoryContents: [] }),
    });
    return { status: res.status, body: await res.json() };
  };

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
        'integrations:',
        '  github:',
        '    - host: github.com',
        // The dry run builds the GitHub client (no request is made).
        '      token: dry-run-only-not-a-token',
        'multivac:',
        '  demo:',
        '    history: false',
        '',
      ].join('\n'),
    );
    // app-config.yaml's catalog locations are relative to packages/backend,
    // where `npm start` runs the backend (`npm test` runs from the root).
    previousDirectory = process.cwd();
    process.chdir(path.join(root, 'packages', 'backend'));
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
    backend.add(scaffolderPlugin);
    backend.add(scaffolderGithubModule);
    backend.add(multivacScaffolderModule);
    await backend.start();

    const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    token = (await auth.json()).backstageIdentity.token;
    // The preview names people from the catalog: wait for the demo's Users.
    for (let tries = 0; ; tries++) {
      const user = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/user/default/alan.turing`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (user.ok) break;
      if (tries === 120) throw new Error('the demo catalog has no Users');
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    // The template as the catalog reads it from examples/ (the demo's catalog
    // location). The catalog itself accepts kind Template only with
    // @backstage/plugin-catalog-backend-module-scaffolder-entity-model, which
    // is not installed here (see the backend plugin's README).
    const templateFile = path.join(
      root,
      'examples/templates/put-team-on-call/template.yaml',
    );
    const [read] = [
      ...parseEntityYaml(fs.readFileSync(templateFile), {
        type: 'file',
        target: templateFile,
      }),
    ];
    if (read?.type !== 'entity') {
      throw new Error(`Cannot read ${templateFile}: ${JSON.stringify(read)}`);
    }
    template = read.entity;
  });

  afterAll(async () => {
    await backend?.stop();
    process.chdir(previousDirectory);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // What the form sends: the pickers give entity refs.
  const values = {
    team: 'group:default/payments',
    repoUrl: 'github.com?owner=nimbus&repo=payments',
    directory: 'catalog',
    members: [
      'user:default/ada.lovelace',
      'user:default/grace.hopper',
      'user:default/alan.turing',
    ],
    rotationType: 'weekly',
    handoffDay: 'monday',
    handoffTime: '09:00',
    timeZone: 'Europe/Berlin',
    businessHoursOnly: false,
    acknowledgeMinutes: 10,
    escalateTo: ['user:default/ken.thompson'],
    escalateAfterMinutes: 15,
  };

  it('renders a valid schedule file, previews 4 weeks, and prepares the pull request', async () => {
    const { status, body } = await dryRun(values);
    expect(status).toBe(200);

    // The workspace after the run: the rendered file, and only it.
    expect(body.directoryContents.map((file: any) => file.path)).toEqual([
      'pull-request/catalog-info-oncall.yaml',
    ]);
    const content = Buffer.from(
      body.directoryContents[0].base64Content,
      'base64',
    ).toString('utf8');
    expect(content).toContain('kind: Schedule');
    expect(content).toContain('  name: payments-primary');
    expect(content).toContain('  owner: group:default/payments');
    expect(content).toContain(`      members:
        - user:default/ada.lovelace
        - user:default/grace.hopper
        - user:default/alan.turing
      rotation:
        type: weekly
        handoffDay: monday
      handoffTime: '09:00'`);
    expect(content).toContain(`    - timeoutMinutes: 15
      targets:
        - type: user
          userRef: user:default/ken.thompson`);
    // Valid by the catalog module's own command (the processor's rules).
    const file = path.join(dir, 'catalog-info-oncall.yaml');
    fs.writeFileSync(file, content);
    expect(validateScheduleFiles([file])).toEqual([
      {
        file,
        valid: ['schedule:default/payments-primary'],
        problems: [],
      },
    ]);

    // The preview: 4 weekly shifts in rotation order from the next Monday.
    const preview = body.output.text[0];
    expect(preview.title).toBe('Who is on call for the next 4 weeks');
    const rows = preview.content
      .split('\n')
      .filter((line: string) => / \| \w{3} \d+ \w+ \d\d:\d\d \|$/.test(line));
    expect(rows.map((row: string) => row.split(' | ')[0])).toEqual([
      '| Ada Lovelace',
      '| Grace Hopper',
      '| Alan Turing',
      '| Ada Lovelace',
    ]);
    for (const row of rows) {
      expect(row).toMatch(/\| Mon \d+ \w+ 09:00 \| Mon \d+ \w+ 09:00 \|$/);
    }

    // The pull request step ran in dry-run mode with these inputs.
    const prLog = body.log
      .map((entry: any) => entry.body)
      .find(
        (entry: any) =>
          entry.stepId === 'pr' &&
          // The logger's level prefix comes first (with colour codes).
          String(entry.message).includes(
            'Running publish:github:pull-request in dry-run mode with inputs',
          ),
      );
    expect(prLog).toBeDefined();
    const inputs = JSON.parse(prLog.message.slice(prLog.message.indexOf('{')));
    expect(inputs).toMatchObject({
      repoUrl: 'github.com?owner=nimbus&repo=payments',
      branchName: 'multivac-oncall-payments',
      title: 'Put payments on call',
      commitMessage:
        'Add the on-call schedule schedule:default/payments-primary',
      sourcePath: 'pull-request',
      targetPath: 'catalog',
    });
    expect(inputs.description).toContain(
      'Adds `schedule:default/payments-primary`',
    );
    expect(inputs.description).toContain('| Grace Hopper |');
    expect(body.output.links).toEqual([
      {
        title: 'Pull request',
        url: 'github.com?owner=nimbus&repo=payments',
      },
    ]);
  });

  it('stops before the pull request when the form makes an invalid schedule', async () => {
    const { status, body } = await dryRun({
      ...values,
      timeZone: 'Europe/Berlinn',
    });
    // The render step fails the run with the catalog's message: the pull
    // request step never runs, so no invalid schedule reaches a pull request.
    expect(status).toBe(400);
    expect(body.error).toEqual({
      name: 'InputError',
      message:
        'The schedule is not valid: spec.timeZone: must be an IANA time zone',
    });
  });

  it("answers the form's preview field (a one-step dry run of multivac:schedule:render)", async () => {
    // What packages/app's SchedulePreviewField sends while the form is filled.
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'multivac-schedule-preview' },
          spec: {
            type: 'preview',
            parameters: [],
            steps: [
              {
                id: 'schedule',
                name: 'Preview the schedule',
                action: 'multivac:schedule:render',
                input: {
                  team: values.team,
                  members: values.members,
                  rotationType: 'daily',
                  handoffTime: '10:00',
                  timeZone: 'America/New_York',
                },
              },
            ],
            output: {
              text: [
                {
                  title: 'Preview',
                  content: '${{ steps.schedule.output.previewMarkdown }}',
                },
              ],
            },
          },
        },
        values: {},
        directoryContents: [],
      }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const rows = body.output.text[0].content
      .split('\n')
      .filter((line: string) => / \| \w{3} \d+ \w+ \d\d:\d\d \|$/.test(line));
    // Daily hand-offs at 10:00 New York, rotating through the three members.
    expect(rows).toHaveLength(28);
    expect(rows.slice(0, 4).map((row: string) => row.split(' | ')[0])).toEqual([
      '| Ada Lovelace',
      '| Grace Hopper',
      '| Alan Turing',
      '| Ada Lovelace',
    ]);
  });

  it('renders a daily business-hours rotation', async () => {
    const { handoffDay: _day, ...daily } = values;
    const { status, body } = await dryRun({
      ...daily,
      rotationType: 'daily',
      businessHoursOnly: true,
    });
    expect(status).toBe(200);
    const content = Buffer.from(
      body.directoryContents[0].base64Content,
      'base64',
    ).toString('utf8');
    expect(content).toContain('        type: daily\n');
    expect(content).toContain("          from: '09:00'\n          to: '17:00'");
    const rows = body.output.text[0].content
      .split('\n')
      .filter((line: string) => / \| \w{3} \d+ \w+ \d\d:\d\d \|$/.test(line));
    expect(rows).toHaveLength(20);
  });
});
