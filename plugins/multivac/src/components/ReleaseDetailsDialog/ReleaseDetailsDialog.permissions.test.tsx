import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { aRelease } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ReleaseDetailsDialog } from './ReleaseDetailsDialog';

describe('ReleaseDetailsDialog without multivac.release.update', () => {
  it('shows the release but no status buttons', async () => {
    await renderWithMultivac(
      <ReleaseDetailsDialog
        release={aRelease()}
        onClose={jest.fn()}
        onChanged={jest.fn()}
      />,
      { permission: AuthorizeResult.DENY },
    );
    expect(screen.getByText('REL-1: v2.4.1')).toBeInTheDocument();
    expect(
      screen.getAllByRole('button').map(button => button.textContent),
    ).toEqual(['Close']);
  });
});
