import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { anIncident, mockMultivacApi } from './__testUtils__/fixtures';
import { multivacApiRef } from './api/MultivacApi';
import multivacPlugin from './alpha';

describe('multivac plugin for the new frontend system', () => {
  it('mounts the incidents page at /multivac', async () => {
    const api = mockMultivacApi({
      listIncidents: jest.fn(async () => ({
        items: [anIncident({ title: 'Checkout down' })],
        totalCount: 1,
        limit: 20,
        offset: 0,
      })),
    });
    renderTestApp({
      features: [multivacPlugin],
      initialRouteEntries: ['/multivac/incidents'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name':
          convertLegacyRouteRef(entityRouteRef),
      },
      apis: [
        [multivacApiRef, api],
        [catalogApiRef, catalogApiMock()],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(
      await screen.findByText('Checkout down', undefined, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'active', limit: 20, offset: 0 }),
    );
  });

  it('provides the API and the entity Incidents, Alerts, Post-mortems and Releases tabs', () => {
    expect(multivacPlugin.getExtension('api:multivac')).toBeDefined();
    expect(
      multivacPlugin.getExtension('entity-content:multivac/incidents'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('entity-content:multivac/alerts'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('entity-content:multivac/postmortems'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('entity-content:multivac/releases'),
    ).toBeDefined();
  });

  it('provides the Group Health tab and the Component insights card', () => {
    expect(
      multivacPlugin.getExtension('entity-content:multivac/health'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('entity-card:multivac/insights'),
    ).toBeDefined();
  });

  it('provides the PagerDuty card for Schedule entities', () => {
    expect(
      multivacPlugin.getExtension('entity-card:multivac/pagerduty'),
    ).toBeDefined();
  });
});
