import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { migrateDatabase } from '../../database/migrations';
import { DatabaseActionItemStore } from '../DatabaseActionItemStore';
import { DatabasePostmortemFollowUpStore } from '../DatabasePostmortemFollowUpStore';
import { DatabasePostmortemStore } from '../DatabasePostmortemStore';
import { NewPostmortem } from '../PostmortemStore';

export const ada = 'user:default/ada.lovelace';
export const grace = 'user:default/grace.hopper';

/**
 * The three post-mortem stores on a migrated database, and resolved-looking
 * post-mortems to try them on (without the service's pre-filling).
 */
export async function postmortemStores(knex: Knex) {
  await migrateDatabase(knex);
  const incidents = new DatabaseIncidentStore(knex);
  const postmortems = new DatabasePostmortemStore(knex);
  const actionItems = new DatabaseActionItemStore(knex);
  const followUp = new DatabasePostmortemFollowUpStore(knex);

  /** What the service would store for a new incident of that title. */
  async function newPostmortem(
    title = 'Card payments fail',
    changes: Partial<NewPostmortem> = {},
  ): Promise<NewPostmortem> {
    const incident = await incidents.createIncident(
      {
        title,
        severity: 'SEV2',
        entityRefs: ['component:default/payments-api'],
      },
      ada,
    );
    return {
      incidentId: incident.id,
      title: `Post-mortem: ${title}`,
      severity: 'SEV2',
      ownerRef: ada,
      dueDate: '2026-12-04',
      facts: {
        incidentTitle: title,
        startedAt: '2026-11-27T14:55:00.000Z',
        resolvedAt: '2026-11-27T16:00:00.000Z',
        durationMs: 65 * 60_000,
        duration: '1 hour 5 minutes',
        participantRefs: [ada],
        entityRefs: ['component:default/payments-api'],
        impact: '',
        timeline: [],
      },
      sections: [
        { id: 'summary', title: 'Summary', hint: 'In short', text: '' },
        { id: 'trigger', title: 'Trigger', text: 'Not known yet' },
      ],
      createdBy: ada,
      reviewerRefs: [],
      tracked: false,
      ...changes,
    };
  }

  /** A stored post-mortem of a new incident. */
  async function createPostmortem(
    title?: string,
    changes?: Partial<NewPostmortem>,
  ) {
    const { postmortem } = await postmortems.create(
      await newPostmortem(title, changes),
      async () => {},
    );
    return postmortem;
  }

  return {
    incidents,
    postmortems,
    actionItems,
    followUp,
    newPostmortem,
    createPostmortem,
  };
}

/**
 * Describes `tests` on every test database (SQLite, and PostgreSQL when it
 * is configured), with the stores on a fresh database for each test: they
 * are set in `beforeEach`, so read them inside the tests.
 */
export function describeOnEachDatabase(
  name: string,
  tests: (stores: PostmortemStores & { knex: Knex }) => void,
) {
  const databases = createTestDatabases();
  describe.each(databases.eachSupportedId())(`${name} on %s`, id => {
    const current = {} as PostmortemStores & { knex: Knex };
    beforeEach(async () => {
      const knex = await databases.init(id);
      Object.assign(current, { knex }, await postmortemStores(knex));
    });
    tests(current);
  });
}

type PostmortemStores = Awaited<ReturnType<typeof postmortemStores>>;
