import { stringifyEntityRef } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import {
  parseScheduleEntity,
  SCHEDULE_API_VERSION,
  SCHEDULE_KIND,
} from '@multivac/plugin-multivac-common';
import fs from 'fs';

/**
 * What `validateScheduleFiles` found in one file.
 *
 * @public
 */
export interface ScheduleFileReport {
  file: string;
  /** Each Schedule entity's ref, valid ones only. */
  valid: string[];
  /** `<where>: <field>: <message>`, one per mistake. */
  problems: string[];
}

/**
 * Validates the Schedule entities in YAML files with the catalog
 * processor's rules (the same messages): every document of kind Schedule
 * must have apiVersion multivac.io/v1alpha1, a name and a valid spec, and
 * a file must hold at least one. Documents of other kinds are left alone.
 *
 * @public
 */
export function validateScheduleFiles(files: string[]): ScheduleFileReport[] {
  return files.map(file => {
    const report: ScheduleFileReport = { file, valid: [], problems: [] };
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (error) {
      report.problems.push(`cannot read the file: ${(error as Error).message}`);
      return report;
    }
    let schedules = 0;
    for (const result of parseEntityYaml(data, {
      type: 'file',
      target: file,
    })) {
      if (result.type === 'error') {
        report.problems.push(result.error.message);
        continue;
      }
      if (result.type !== 'entity') {
        continue;
      }
      const entity = result.entity;
      if (
        typeof entity.kind !== 'string' ||
        entity.kind.toLocaleLowerCase('en-US') !==
          SCHEDULE_KIND.toLocaleLowerCase('en-US')
      ) {
        continue;
      }
      schedules++;
      const name = entity.metadata?.name;
      if (typeof name !== 'string' || name === '') {
        report.problems.push(`a Schedule: metadata.name: must not be empty`);
        continue;
      }
      const ref = stringifyEntityRef({
        kind: SCHEDULE_KIND,
        namespace: entity.metadata.namespace ?? 'default',
        name,
      });
      if (entity.apiVersion !== SCHEDULE_API_VERSION) {
        report.problems.push(
          `${ref}: apiVersion: must be ${SCHEDULE_API_VERSION}`,
        );
        continue;
      }
      const parsed = parseScheduleEntity(entity);
      if (parsed.ok) {
        report.valid.push(ref);
      } else {
        report.problems.push(...parsed.problems.map(p => `${ref}: ${p}`));
      }
    }
    if (schedules === 0 && report.problems.length === 0) {
      report.problems.push(
        `no Schedule entity (kind ${SCHEDULE_KIND}, apiVersion ${SCHEDULE_API_VERSION})`,
      );
    }
    return report;
  });
}

const USAGE = 'Usage: multivac-schedule validate <file.yaml>...';

/**
 * The `multivac-schedule` command: `validate <file>...` prints each valid
 * schedule to stdout and each mistake to stderr, as
 * `<file>: <ref>: <field>: <message>`; the exit code is 0 when every file
 * is valid, 1 when any has a mistake, 2 for a usage error.
 *
 * @public
 */
export function runScheduleCli(
  args: string[],
  out: { log(line: string): void; error(line: string): void } = console,
): number {
  const [command, ...files] = args;
  if (command !== 'validate' || files.length === 0) {
    out.error(USAGE);
    return 2;
  }
  let failed = false;
  for (const report of validateScheduleFiles(files)) {
    report.valid.forEach(ref => out.log(`${report.file}: ${ref}: valid`));
    report.problems.forEach(problem => out.error(`${report.file}: ${problem}`));
    failed ||= report.problems.length > 0;
  }
  return failed ? 1 : 0;
}
