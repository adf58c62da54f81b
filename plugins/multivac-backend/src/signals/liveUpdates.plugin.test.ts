import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import { entity, user } from '@multivac/plugin-multivac-node/testUtils';
import request from 'supertest';
import { multivacPlugin } from '../plugin';
import { eventually } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const ada = 'user:default/ada.lovelace';
const asAda = { Authorization: mockCredentials.user.header(ada) };

/** The multivac plugin with its signals service replaced by a recorder. */
async function startBackend(published: SignalPayload[]) {
  return startTestBackend({
    features: [
      multivacPlugin,
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: SignalPayload) => {
            published.push(signal);
          },
        }),
      }),
      catalogServiceMock.factory({
        entities: [
          entity('Component', 'payments-api', {
            spec: { owner: 'payments' },
            relations: [['ownedBy', 'group:default/payments']],
          }),
          entity('Group', 'payments'),
          user('ada.lovelace'),
          user('grace.hopper'),
        ],
      }),
      mockServices.rootConfig.factory({
        // No paging on declare: the timeline holds only what the test does.
        data: { multivac: { incidents: { paging: { SEV3: 'none' } } } },
      }),
    ],
  });
}

describe('live updates of the multivac backend', () => {
  it('publishes a signal for every change of an incident', async () => {
    const published: SignalPayload[] = [];
    const { server } = await startBackend(published);

    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Checkout payments failing',
        severity: 'SEV3',
        entityRefs: ['payments-api'],
      })
      .expect(201);
    const id: string = declared.body.id;
    const path = `/api/multivac/incidents/${id}`;
    await request(server)
      .post(`${path}/transitions`)
      .set(asAda)
      .send({ to: 'investigating' })
      .expect(200);
    await request(server)
      .post(`${path}/notes`)
      .set(asAda)
      .send({ text: 'Rolled back ledger-service 4.2.1' })
      .expect(201);
    await request(server)
      .patch(path)
      .set(asAda)
      .send({ severity: 'SEV2', impact: 'No card payments' })
      .expect(200);
    await request(server)
      .post(`${path}/roles`)
      .set(asAda)
      .send({ role: 'controller', userRef: 'user:default/grace.hopper' })
      .expect(200);
    await request(server)
      .post(`${path}/transitions`)
      .set(asAda)
      .send({ to: 'resolved' })
      .expect(200);

    const timeline = await request(server)
      .get(`${path}/timeline`)
      .set(asAda)
      .expect(200);
    const events: Array<{ type: string }> = timeline.body.items;
    expect(events.map(e => e.type)).toEqual([
      'declared',
      'role_assigned',
      'status_changed',
      'note',
      'field_changed',
      'severity_changed',
      'role_assigned',
      'status_changed',
    ]);

    // One signal per change on the incident's channel and on the list's.
    const onChannel = (channel: string) =>
      published.filter(p => p.channel === channel);
    const incidentSignals = await eventually(
      async () => onChannel(`multivac:incident:${id}`),
      signals => signals.length >= events.length,
    );
    expect(incidentSignals).toHaveLength(events.length);
    expect(onChannel('multivac:incidents')).toHaveLength(events.length);
    for (const signal of published) {
      expect(signal.recipients).toEqual({ type: 'broadcast' });
      // Nothing a reader might not be allowed to see: no title, no note.
      expect(Object.keys(signal.message).sort()).toEqual(['at', 'id', 'kind']);
      expect(signal.message).toMatchObject({ kind: 'incident', id });
    }
  });

  it('keeps working with the default signals service and no signals backend', async () => {
    const { server } = await startTestBackend({
      features: [
        multivacPlugin,
        catalogServiceMock.factory({
          entities: [entity('Component', 'payments-api')],
        }),
      ],
    });
    const declared = await request(server)
      .post('/api/multivac/incidents')
      .set(asAda)
      .send({
        title: 'Nobody listens',
        severity: 'SEV4',
        entityRefs: ['payments-api'],
      });
    expect(declared.status).toBe(201);
  });
});
