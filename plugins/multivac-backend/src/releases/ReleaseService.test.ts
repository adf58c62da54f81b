import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ReleaseChange } from '@multivac/plugin-multivac-node';
import { Duration } from 'luxon';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import {
  DatabaseJobQueue,
  DEFAULT_JOB_QUEUE_OPTIONS,
} from '../jobs/DatabaseJobQueue';
import { CatalogGraph } from './conflicts/CatalogGraph';
import { ConflictChecker } from './conflicts/ConflictChecker';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import { releaseDeliveries } from '../deliveries/kinds';
import { releaseDependents } from './releaseDependents';
import { ReleaseService } from './ReleaseService';
import { readReleaseSettings } from './settings';
import { migrateDatabase } from '../database/migrations';

jest.setTimeout(60_000);

// Store queries are tested on both databases; this is the announcing logic.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ada = { ref: 'user:default/ada.lovelace', isUser: true };
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

describe('ReleaseService announcing starts', () => {
  let service: ReleaseService;
  let jobs: DatabaseJobQueue;
  let changes: ReleaseChange[];

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
    const incidents = new DatabaseIncidentStore(knex);
    jobs = new DatabaseJobQueue(knex, mockServices.logger.mock(), {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      initialBackoff: Duration.fromMillis(0),
    });
    changes = [];
    const store = new DatabaseReleaseStore(knex);
    const graph = { get: async () => CatalogGraph.fromEntities([]) };
    const deliveries = releaseDeliveries(
      jobs,
      [
        {
          id: 'test',
          onReleaseChange: async change => {
            changes.push(change);
          },
        },
      ],
      {
        release: id => store.get(id),
        dependents: release => releaseDependents(graph, release, 2),
      },
    );
    service = new ReleaseService({
      store,
      graph,
      deliveries,
      dependencyDepth: 2,
      timeZone: 'UTC',
      checker: new ConflictChecker({
        graph,
        releases: store,
        incidents,
        settings: readReleaseSettings(new ConfigReader({})),
      }),
    });
  });

  const book = (start: string, end: string, environment = 'staging') =>
    service.create(
      {
        entityRef: 'component:default/payments-api',
        title: 'v1',
        environment,
        start,
        end,
        links: [],
        notes: '',
      },
      ada,
    );

  it('announces a release once when its window has started', async () => {
    const { release: started } = await book(minutes(-1), minutes(30));
    await book(minutes(5), minutes(30)); // not yet
    // a window that is over cannot be booked (so is never announced)
    await expect(book(minutes(-60), minutes(-1))).rejects.toThrow(
      /^Invalid release: end: the window ended at \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC; /,
    );
    expect(await service.announceStarting()).toBe(1);
    expect(await service.announceStarting()).toBe(0);
    await jobs.runDueJobs();
    expect(
      changes
        .filter(c => c.change === 'starting')
        .map(c => c.release.reference),
    ).toEqual([started.reference]);
  });

  it('does not announce again a release that was marked in progress', async () => {
    const { release } = await book(minutes(-1), minutes(30));
    await service.transition(release.reference, 'in_progress', ada.ref);
    expect(await service.announceStarting()).toBe(0);
    await jobs.runDueJobs();
    expect(changes.map(c => c.change)).toEqual(['scheduled', 'starting']);
  });
});
