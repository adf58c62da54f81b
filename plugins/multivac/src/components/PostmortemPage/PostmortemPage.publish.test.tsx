import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { postmortemPublishPermission } from '@multivac/plugin-multivac-common';
import { screen, waitFor } from '@testing-library/react';
import { aPostmortem, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('PostmortemPage for an editor who may not publish', () => {
  it('lets them send it back to draft but not publish', async () => {
    await renderMultivacPage('/multivac/postmortems/PM-1', {
      permission: ({ permission }) =>
        isPermission(permission, postmortemPublishPermission)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      api: mockMultivacApi({
        getPostmortem: jest.fn(async () =>
          aPostmortem({ status: 'in_review' }),
        ),
      }),
    });
    await screen.findByRole('heading', {
      name: 'Post-mortem: Card payments failing',
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Back to draft' }),
      ).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(screen.getByLabelText('Summary (Markdown)')).toBeEnabled();
  });
});
