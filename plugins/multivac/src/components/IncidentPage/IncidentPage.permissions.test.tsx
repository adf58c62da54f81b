import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { anIncident, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderIncidentPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('IncidentPage without the update permission', () => {
  it('disables every change', async () => {
    await renderIncidentPage({ permission: AuthorizeResult.DENY });
    await screen.findByRole('heading', {
      name: 'INC-1: Card payments failing',
    });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Resolve' })).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Edit' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add note' })).toBeDisabled();
  });

  it('disables writing the post-mortem', async () => {
    await renderIncidentPage({
      permission: AuthorizeResult.DENY,
      api: mockMultivacApi({
        getIncident: jest.fn(async () => anIncident({ status: 'resolved' })),
      }),
    });
    expect(
      await screen.findByRole('button', { name: 'Write post-mortem' }),
    ).toBeDisabled();
  });
});
