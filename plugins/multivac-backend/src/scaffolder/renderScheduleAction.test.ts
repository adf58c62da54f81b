import { mockServices } from '@backstage/backend-test-utils';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { parseScheduleEntity } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRenderScheduleAction } from './renderScheduleAction';

// A Saturday: the next Monday hand-off is 7 December.
const NOW = DateTime.fromISO('2026-12-05T00:00:00Z');

const form = {
  team: 'payments',
  members: ['ada.lovelace', 'user:default/grace.hopper', 'alan.turing'],
  rotationType: 'weekly',
  handoffDay: 'monday',
  handoffTime: '09:00',
  timeZone: 'Europe/Berlin',
  acknowledgeMinutes: 10,
  escalateTo: ['ken.thompson'],
  escalateAfterMinutes: 20,
};

/**
 * The action's boundary as the Scaffolder calls it (the test utils package
 * with createMockActionContext is not installed): a workspace directory,
 * the input, and the outputs it records.
 */
async function run(input: Record<string, unknown>) {
  const workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'render-'));
  const outputs: Record<string, any> = {};
  const action = createRenderScheduleAction({ now: () => NOW });
  const ctx = {
    input,
    workspacePath,
    logger: mockServices.logger.mock(),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    createTemporaryDirectory: () =>
      fs.mkdtemp(path.join(os.tmpdir(), 'render-tmp-')),
    checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
    getInitiatorCredentials: async () => {
      throw new Error('not used');
    },
    task: { id: 'task-1' },
  };
  const result = action.handler(ctx as any);
  return { result, outputs, workspacePath };
}

const files = (dir: string) => fs.readdir(dir, { recursive: true });

describe('multivac:schedule:render', () => {
  it('writes a Schedule entity the catalog accepts, and previews the next 4 weeks', async () => {
    const { result, outputs, workspacePath } = await run(form);
    await expect(result).resolves.toBeUndefined();

    const content = await fs.readFile(
      path.join(workspacePath, 'catalog-info-oncall.yaml'),
      'utf8',
    );
    expect(content).toBe(`apiVersion: multivac.io/v1alpha1
kind: Schedule
metadata:
  name: payments-primary
  title: Payments on call
  description: 'On-call schedule of group:default/payments, made with the "Put a team on call" template'
spec:
  owner: group:default/payments
  timeZone: Europe/Berlin
  layers:
    - name: weekly
      members:
        - user:default/ada.lovelace
        - user:default/grace.hopper
        - user:default/alan.turing
      rotation:
        type: weekly
        handoffDay: monday
      handoffTime: '09:00'
      start: '2026-12-07'
  escalation:
    - timeoutMinutes: 10
      targets:
        - type: schedule
    - timeoutMinutes: 20
      targets:
        - type: user
          userRef: user:default/ken.thompson
`);
    expect(outputs.content).toBe(content);
    expect(outputs.filePath).toBe('catalog-info-oncall.yaml');
    expect(outputs.entityRef).toBe('schedule:default/payments-primary');

    // Read back as the catalog reads a file, and checked by the function the
    // catalog processor calls.
    const [read] = [
      ...parseEntityYaml(Buffer.from(content), { type: 'file', target: 'x' }),
    ];
    expect(read.type).toBe('entity');
    const parsed = parseScheduleEntity((read as any).entity);
    expect(parsed).toMatchObject({
      ok: true,
      value: { owner: 'group:default/payments' },
    });

    // The engine's shifts from the first hand-off (Monday 09:00 Berlin).
    expect(outputs.preview).toEqual([
      {
        userRef: 'user:default/ada.lovelace',
        start: '2026-12-07T09:00:00.000+01:00',
        end: '2026-12-14T09:00:00.000+01:00',
        layer: 'weekly',
      },
      {
        userRef: 'user:default/grace.hopper',
        start: '2026-12-14T09:00:00.000+01:00',
        end: '2026-12-21T09:00:00.000+01:00',
        layer: 'weekly',
      },
      {
        userRef: 'user:default/alan.turing',
        start: '2026-12-21T09:00:00.000+01:00',
        end: '2026-12-28T09:00:00.000+01:00',
        layer: 'weekly',
      },
      {
        userRef: 'user:default/ada.lovelace',
        start: '2026-12-28T09:00:00.000+01:00',
        end: '2027-01-04T09:00:00.000+01:00',
        layer: 'weekly',
      },
    ]);
    expect(outputs.previewMarkdown).toContain(
      '| user:default/grace.hopper | Mon 14 Dec 09:00 | Mon 21 Dec 09:00 |',
    );
  });

  it('restricts a daily rotation to business hours, at a given path', async () => {
    const { result, outputs, workspacePath } = await run({
      team: 'group:default/storefront',
      members: ['margaret.hamilton', 'linus.torvalds'],
      rotationType: 'daily',
      handoffTime: '10:00',
      timeZone: 'America/New_York',
      businessHoursOnly: true,
      path: 'oncall/schedule.yaml',
    });
    await expect(result).resolves.toBeUndefined();
    expect(await files(workspacePath)).toContain(
      path.join('oncall', 'schedule.yaml'),
    );
    expect(outputs.content).toContain(`      restrictions:
        - days:
            - monday
            - tuesday
            - wednesday
            - thursday
            - friday
          from: '09:00'
          to: '17:00'`);
    // 4 weeks of weekdays, 09:00-17:00 New York, alternating by the daily
    // 10:00 hand-off (a window belongs to whoever's turn it starts in).
    expect(outputs.preview).toHaveLength(20);
    expect(outputs.preview[0]).toEqual({
      userRef: 'user:default/linus.torvalds',
      start: '2026-12-07T09:00:00.000-05:00',
      end: '2026-12-07T17:00:00.000-05:00',
      layer: 'daily',
    });
    for (const shift of outputs.preview) {
      const start = DateTime.fromISO(shift.start, { setZone: true });
      expect(start.weekday).toBeLessThanOrEqual(5);
      expect(start.toFormat('HH:mm')).toBe('09:00');
    }
  });

  it.each([
    [{ handoffTime: '9am' }, 'spec.layers[0].handoffTime: must be HH:mm'],
    [{ timeZone: 'Mars/Olympus' }, 'spec.timeZone: must be an IANA time zone'],
    [{ members: [] }, 'spec.layers[0].members: must not be empty'],
    [
      { team: 'user:default/ada.lovelace' },
      'spec.owner: must be a Group entity ref, e.g. group:default/payments',
    ],
    [
      { businessHoursOnly: true, businessHoursTo: '5pm' },
      'spec.layers[0].restrictions[0].to: must be HH:mm',
    ],
    [
      { escalateTo: ['ken.thompson'], escalateAfterMinutes: 0 },
      'spec.escalation[1].timeoutMinutes: must be positive',
    ],
    [
      { name: 'Payments on call!' },
      'metadata.name: must be letters, digits and [-_.] between them',
    ],
  ])(
    'fails on %j with the catalog processor message, writing nothing',
    async (change, message) => {
      const { result, workspacePath } = await run({ ...form, ...change });
      await expect(result).rejects.toThrow(message);
      await expect(result).rejects.toMatchObject({ name: 'InputError' });
      expect(await files(workspacePath)).toEqual([]);
    },
  );

  it('refuses a path outside the workspace', async () => {
    const { result } = await run({ ...form, path: '../elsewhere.yaml' });
    await expect(result).rejects.toThrow(/outside/i);
  });
});
