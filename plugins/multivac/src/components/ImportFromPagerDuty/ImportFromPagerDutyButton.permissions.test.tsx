import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ImportFromPagerDutyButton } from './ImportFromPagerDutyButton';

describe('ImportFromPagerDutyButton without multivac.oncall.reconcile', () => {
  it('is disabled and says why', async () => {
    await renderWithMultivac(<ImportFromPagerDutyButton />, {
      permission: AuthorizeResult.DENY,
    });
    await waitFor(() =>
      expect(
        screen.getByLabelText(
          'You may not import schedules from PagerDuty (multivac.oncall.reconcile).',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      screen.getByRole('button', { name: 'Import from PagerDuty' }),
    ).toBeDisabled();
  });
});
