import { alertApiRef, AlertApi } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { Route, Routes } from 'react-router-dom';
import { MultivacApi, multivacApiRef } from '../api/MultivacApi';
import { IncidentPage } from '../components/IncidentPage';
import { MultivacPage } from '../components/MultivacPage';
import { rootRouteRef } from '../routes';
import { mockMultivacApi } from './fixtures';

export interface RenderOptions {
  api?: MultivacApi;
  /**
   * What the permission policy answers, for all or per permission.
   * usePermission caches answers per module, so one test file should give
   * each permission one answer.
   */
  permission?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | ((
        request: EvaluatePermissionRequest,
      ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);
  entities?: Entity[];
  alertApi?: AlertApi;
  routeEntries?: string[];
  /** Live updates (see `fakeSignalApi`); none when not given. */
  signalApi?: SignalApi;
}

/** Renders inside a test app with the APIs Multivac's components use. */
export async function renderWithMultivac(
  element: ReactElement,
  options: RenderOptions = {},
) {
  const api = options.api ?? mockMultivacApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [multivacApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: options.entities ?? [] })],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.permission ?? AuthorizeResult.ALLOW,
          }),
        ],
        [
          alertApiRef,
          options.alertApi ?? { post: jest.fn(), alert$: jest.fn() },
        ],
        ...(options.signalApi
          ? [[signalApiRef, options.signalApi] as const]
          : []),
      ]}
    >
      {element}
    </TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: {
        '/multivac': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return api;
}

/** The incident page for INC-1, as mounted at /multivac/incidents/:id. */
export function renderIncidentPage(options: RenderOptions = {}) {
  return renderWithMultivac(
    <Routes>
      <Route path="/multivac/incidents/:id" element={<IncidentPage />} />
    </Routes>,
    { routeEntries: ['/multivac/incidents/INC-1'], ...options },
  );
}

/** Everything under /multivac as the app mounts it, opened at `path`. */
export function renderMultivacPage(path: string, options: RenderOptions = {}) {
  return renderWithMultivac(
    <Routes>
      <Route path="/multivac/*" element={<MultivacPage />} />
    </Routes>,
    { routeEntries: [path], ...options },
  );
}
