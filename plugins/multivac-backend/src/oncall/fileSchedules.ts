import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import {
  isScheduleEntity,
  parseScheduleEntity,
} from '@multivac/plugin-multivac-common';
import fs from 'fs';
import path from 'path';
import { ScheduleDefinition } from './schedule';

/**
 * The Schedule entities in the catalog's `file` locations of config
 * (`catalog.locations` with `type: file`, resolved from the working
 * directory as the catalog does), read straight from the files: for start-up
 * work that cannot wait for the catalog to ingest them, i.e. the demo
 * history (`multivac.demo.history`). Unreadable files and invalid schedules
 * are skipped with a warning; the catalog reports them properly.
 */
export function schedulesInCatalogFiles(
  config: Config,
  logger: LoggerService,
  cwd: string = process.cwd(),
): ScheduleDefinition[] {
  const locations = config.getOptionalConfigArray('catalog.locations') ?? [];
  const schedules: ScheduleDefinition[] = [];
  for (const location of locations) {
    if (location.getOptionalString('type') !== 'file') {
      continue;
    }
    const target = path.resolve(cwd, location.getString('target'));
    let data: Buffer;
    try {
      data = fs.readFileSync(target);
    } catch (error) {
      logger.warn(`Could not read ${target} for its schedules: ${error}`);
      continue;
    }
    for (const result of parseEntityYaml(data, { type: 'file', target })) {
      if (result.type !== 'entity' || !isScheduleEntity(result.entity)) {
        continue;
      }
      const parsed = parseScheduleEntity(result.entity);
      if (parsed.ok) {
        schedules.push(parsed.value.definition);
      } else {
        logger.warn(
          `Skipping the schedule ${
            result.entity.metadata.name
          } of ${target}: ${parsed.problems.join('; ')}`,
        );
      }
    }
  }
  return schedules;
}
