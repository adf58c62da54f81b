import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { catalogPlugin } from '@backstage/plugin-catalog';
import { catalogGraphPlugin } from '@backstage/plugin-catalog-graph';
import {
  catalogApiRef,
  defaultEntityPresentation,
  entityPresentationApiRef,
  EntityProvider,
  entityRouteRef,
  starredEntitiesApiRef,
  MockStarredEntitiesApi,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  MultivacApi,
  multivacApiRef,
  multivacPlugin,
} from '@multivac/plugin-multivac';
import { screen } from '@testing-library/react';
import { entityPage } from './EntityPage';

const schedule: Entity = {
  apiVersion: 'multivac.io/v1alpha1',
  kind: 'Schedule',
  metadata: {
    name: 'payments-primary',
    namespace: 'default',
    title: 'Payments primary',
    description: "The Payments team's weekly rotation",
    annotations: { 'pagerduty.com/reconcile': 'true' },
  },
  spec: { owner: 'group:default/payments', timeZone: 'Europe/Berlin' },
};

describe('entityPage for a Schedule', () => {
  it('shows the About card and the PagerDuty card', async () => {
    const api: Partial<MultivacApi> = {
      getPagerDutyState: jest.fn(async () => ({
        status: 'succeeded' as const,
        attempts: 1,
        lastError: null,
        lastRunAt: '2026-12-05T03:00:00.000Z',
        nextAttemptAt: null,
        pagerDuty: {
          scheduleId: 'PSCHED1',
          escalationPolicyId: 'PPOL1',
          serviceIds: [],
        },
      })),
      getPagerDutyPlan: jest.fn(async () => ({
        schedule: {
          entityRef: 'schedule:default/payments-primary',
          title: 'Payments primary',
          account: 'default',
        },
        changes: [],
      })),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [multivacApiRef, api],
          [catalogApiRef, catalogApiMock({ entities: [schedule] })],
          [starredEntitiesApiRef, new MockStarredEntitiesApi()],
          [permissionApiRef, mockApis.permission()],
          [
            scmIntegrationsApiRef,
            ScmIntegrationsApi.fromConfig(mockApis.config()),
          ],
          [
            entityPresentationApiRef,
            {
              forEntity: (entityOrRef, context) => {
                const snapshot = defaultEntityPresentation(
                  entityOrRef,
                  context,
                );
                return { snapshot, promise: Promise.resolve(snapshot) };
              },
            },
          ],
          [
            configApiRef,
            mockApis.config({
              data: {
                app: { baseUrl: 'http://localhost:3000' },
                backend: { baseUrl: 'http://localhost:7007' },
              },
            }),
          ],
        ]}
      >
        <EntityProvider entity={schedule}>{entityPage}</EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/multivac': multivacPlugin.routes.root,
          '/catalog': catalogPlugin.routes.catalogIndex,
          '/catalog-graph': catalogGraphPlugin.routes.catalogGraph,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );
    expect(await screen.findByText('About')).toBeInTheDocument();
    expect(await screen.findByText('PagerDuty')).toBeInTheDocument();
    expect(await screen.findByText('PSCHED1')).toBeInTheDocument();
    expect(api.getPagerDutyState).toHaveBeenCalledWith(
      'schedule:default/payments-primary',
    );
  });
});
