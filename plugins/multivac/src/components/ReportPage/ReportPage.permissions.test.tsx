import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// A file of its own: usePermission caches the policy's answer per module.
describe('ReportPage without the report permission', () => {
  it('explains why instead of showing the form', async () => {
    const api = mockMultivacApi();
    await renderMultivacPage('/multivac/report', {
      api,
      permission: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByText(/You are not allowed to send triage reports/),
    ).toHaveTextContent('multivac.report.create');
    expect(screen.queryByLabelText(/What is broken/)).not.toBeInTheDocument();
    expect(api.getSeverityRubric).not.toHaveBeenCalled();
  });
});
