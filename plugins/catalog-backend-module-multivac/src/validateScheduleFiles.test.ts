import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { runScheduleCli } from './validateScheduleFiles';

const demo = path.resolve(__dirname, '../../../examples/schedules.yaml');
const bin = path.resolve(__dirname, '../bin/multivac-schedule');

const badSchedule = `apiVersion: multivac.io/v1alpha1
kind: Schedule
metadata:
  name: payments-primary
spec:
  owner: group:default/payments
  timeZone: Europe/Berlin
  layers:
    - name: weekly
      members: [user:default/ada.lovelace]
      rotation: { type: weekly, handoffDay: monday }
      handoffTime: '9am'
      start: '2026-01-05'
`;

describe('multivac-schedule validate', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multivac-schedule-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, text: string) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  function run(args: string[]) {
    const lines = { out: [] as string[], err: [] as string[] };
    const code = runScheduleCli(args, {
      log: line => lines.out.push(line),
      error: line => lines.err.push(line),
    });
    return { code, ...lines };
  }

  it('passes the demo schedules', () => {
    expect(run(['validate', demo])).toEqual({
      code: 0,
      out: [
        `${demo}: schedule:default/payments-primary: valid`,
        `${demo}: schedule:default/storefront-primary: valid`,
        `${demo}: schedule:default/platform-primary: valid`,
      ],
      err: [],
    });
  });

  it('names each mistake with the catalog processor message and fails', () => {
    const bad = write('bad.yaml', badSchedule);
    const wrongVersion = write(
      'version.yaml',
      badSchedule.replace('multivac.io/v1alpha1', 'multivac.io/v1'),
    );
    const none = write(
      'component.yaml',
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: x }\n',
    );
    const broken = write('broken.yaml', 'kind: Schedule\n  : [');
    const result = run(['validate', demo, bad, wrongVersion, none, broken]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `${bad}: schedule:default/payments-primary: spec.layers[0].handoffTime: must be HH:mm`,
      `${wrongVersion}: schedule:default/payments-primary: apiVersion: must be multivac.io/v1alpha1`,
      `${none}: no Schedule entity (kind Schedule, apiVersion multivac.io/v1alpha1)`,
      expect.stringMatching(new RegExp(`^${broken}: .*YAML`)),
    ]);
    expect(result.out).toHaveLength(3);
  });

  it('refuses to run without a file', () => {
    expect(run(['validate'])).toEqual({
      code: 2,
      out: [],
      err: ['Usage: multivac-schedule validate <file.yaml>...'],
    });
    expect(run(['check', demo]).code).toBe(2);
  });

  it('runs as a command, exiting non-zero on a mistake', () => {
    const bad = write('bad-bin.yaml', badSchedule);
    const failed = spawnSync(process.execPath, [bin, 'validate', bad], {
      encoding: 'utf8',
    });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(
      `${bad}: schedule:default/payments-primary: spec.layers[0].handoffTime: must be HH:mm`,
    );
    const passed = spawnSync(process.execPath, [bin, 'validate', demo], {
      encoding: 'utf8',
    });
    expect(passed.stderr).toBe('');
    expect(passed.status).toBe(0);
  }, 60_000);
});
