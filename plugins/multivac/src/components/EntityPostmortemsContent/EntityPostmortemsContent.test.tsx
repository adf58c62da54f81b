import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor } from '@testing-library/react';
import { aPostmortem, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { EntityPostmortemsContent } from './EntityPostmortemsContent';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
};

describe('EntityPostmortemsContent', () => {
  function renderFor(api = mockMultivacApi()) {
    return renderWithMultivac(
      <EntityProvider entity={team}>
        <EntityPostmortemsContent />
      </EntityProvider>,
      { api },
    );
  }

  it("lists the post-mortems of the entity's incidents", async () => {
    const api = await renderFor(
      mockMultivacApi({
        listPostmortems: jest.fn(async () => ({
          items: [aPostmortem()],
          totalCount: 1,
        })),
      }),
    );
    expect(await screen.findByRole('link', { name: 'PM-1' })).toHaveAttribute(
      'href',
      '/multivac/postmortems/PM-1',
    );
    expect(api.listPostmortems).toHaveBeenCalledWith({
      entityRef: 'group:default/payments',
      limit: 20,
      offset: 0,
    });
  });

  it('says where post-mortems come from when there are none', async () => {
    const api = await renderFor();
    await waitFor(() => expect(api.listPostmortems).toHaveBeenCalled());
    expect(await screen.findByText(/No post-mortems yet/)).toBeInTheDocument();
  });
});
