import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TimelineEvent } from '@multivac/plugin-multivac-common';
import { createTestDatabases } from '../__testUtils__/databases';
import { catalogEntities } from '../__testUtils__/paging';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { migrateDatabase } from '../database/migrations';
import { CatalogEntities } from '../service/CatalogEntities';
import { IncidentActor, IncidentService } from './IncidentService';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const grace: IncidentActor = { ref: 'user:default/grace', isUser: true };
const pagerDuty: IncidentActor = { ref: 'service:pagerduty', isUser: false };
const outage = {
  title: 'Card payments fail',
  severity: 'SEV2' as const,
  entityRefs: ['payments-api'],
};

describe.each(databases.eachSupportedId())('IncidentService on %s', id => {
  let incidents: IncidentService;
  let recorded: TimelineEvent[];

  beforeEach(async () => {
    const knex = await databases.init(id);
    await migrateDatabase(knex);
    recorded = [];
    const auth = mockServices.auth();
    incidents = new IncidentService({
      store: new DatabaseIncidentStore(knex, async (_tx, event) => {
        recorded.push(event);
      }),
      entities: new CatalogEntities(
        catalogServiceMock({ entities: catalogEntities }),
        auth,
      ),
      auth,
    });
  });

  it('makes the user who declares an incident its controller', async () => {
    const incident = await incidents.declare(outage, grace);
    expect(incident.entityRefs).toEqual(['component:default/payments-api']);
    expect(incident.roles).toEqual([
      expect.objectContaining({ role: 'controller', userRef: grace.ref }),
    ]);
    expect(recorded.map(e => [e.type, e.actor])).toEqual([
      ['declared', grace.ref],
      ['role_assigned', grace.ref],
    ]);
  });

  it('gives a declaring service no role, and keeps the roles it is asked for', async () => {
    const incident = await incidents.declare(outage, pagerDuty, {
      roles: [{ role: 'responder', userRef: 'user:default/ken' }],
    });
    expect(incident.roles.map(r => [r.role, r.userRef])).toEqual([
      ['responder', 'user:default/ken'],
    ]);
  });

  it('refuses entities the catalog does not know, declaring nothing', async () => {
    await expect(
      incidents.declare({ ...outage, entityRefs: ['ghost-service'] }, grace),
    ).rejects.toThrow(
      new InputError(
        'entityRefs: unknown catalog entity: component:default/ghost-service',
      ),
    );
    expect((await incidents.list({ limit: 10, offset: 0 })).totalCount).toBe(0);
  });

  it('assigns roles to catalog users only, by short name or ref', async () => {
    const { reference } = await incidents.declare(outage, grace);
    const handedOver = await incidents.changeRole(
      reference,
      { role: 'controller', userRef: 'ken', action: 'assign' },
      grace,
    );
    expect(handedOver.roles).toEqual([
      expect.objectContaining({
        role: 'controller',
        userRef: 'user:default/ken',
      }),
    ]);
    await expect(
      incidents.changeRole(
        reference,
        { role: 'responder', userRef: 'nobody', action: 'assign' },
        grace,
      ),
    ).rejects.toThrow(InputError);
  });

  it('finds incidents by reference and says which one is missing', async () => {
    const { id: incidentId, reference } = await incidents.declare(
      outage,
      grace,
    );
    await incidents.transition(reference, 'acknowledged', pagerDuty, 'paged');
    expect((await incidents.get(incidentId)).status).toBe('acknowledged');
    expect(await incidents.find('INC-99')).toBeUndefined();
    await expect(incidents.addNote('INC-99', 'hello', grace)).rejects.toThrow(
      new NotFoundError('No incident INC-99'),
    );
  });
});
