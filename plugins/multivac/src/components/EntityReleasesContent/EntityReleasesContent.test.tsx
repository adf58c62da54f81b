import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { aRelease, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityReleasesContent } from './EntityReleasesContent';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};
const hoursFromNow = (hours: number) =>
  new Date(Date.now() + hours * 3_600_000).toISOString();

describe('EntityReleasesContent', () => {
  it("shows the entity's upcoming and past releases and its dependencies' upcoming ones", async () => {
    const upcoming = aRelease({
      reference: 'REL-3',
      start: hoursFromNow(2),
      end: hoursFromNow(3),
    });
    const older = aRelease({
      id: 'r1',
      reference: 'REL-1',
      title: 'v2.3.0',
      start: hoursFromNow(-50),
      end: hoursFromNow(-49),
      status: 'done',
    });
    const newer = aRelease({
      id: 'r2',
      reference: 'REL-2',
      title: 'v2.4.0',
      start: hoursFromNow(-26),
      end: hoursFromNow(-25),
      status: 'done',
    });
    const ledger = aRelease({
      reference: 'REL-4',
      entityRef: 'component:default/ledger-service',
      title: 'v7.0.0',
      start: hoursFromNow(5),
      end: hoursFromNow(6),
    });
    const api = mockMultivacApi({
      listReleases: jest.fn(async query => ({
        items:
          query?.to && Date.parse(query.to) <= Date.now()
            ? [older, newer]
            : [upcoming],
        totalCount: 1,
        limit: 100,
        offset: 0,
      })),
      listReleasesAround: jest.fn(async () => [
        { release: upcoming },
        { release: ledger, reason: 'payments-api depends on ledger-service' },
      ]),
    });
    await renderWithMultivac(
      <EntityProvider entity={paymentsApi}>
        <EntityReleasesContent />
      </EntityProvider>,
      { api },
    );

    const table = (title: RegExp) =>
      screen.getByText(title).closest('.MuiPaper-root') as HTMLElement;
    expect(await screen.findByRole('link', { name: 'REL-3' })).toHaveAttribute(
      'href',
      '/multivac/releases/REL-3',
    );
    const dependencies = table(/of its dependencies/);
    expect(within(dependencies).getByText('REL-4')).toBeInTheDocument();
    expect(
      within(dependencies).getByText('payments-api depends on ledger-service'),
    ).toBeInTheDocument();
    // its own release is not listed again as a dependency's
    expect(within(dependencies).queryByText('REL-3')).toBeNull();
    const past = table(/Past releases/);
    expect(
      within(past)
        .getAllByRole('link', { name: /^REL-/ })
        .map(link => link.textContent),
    ).toEqual(['REL-2', 'REL-1']);

    expect(api.listReleasesAround).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/payments-api',
        status: 'active',
      }),
    );
  });
});
