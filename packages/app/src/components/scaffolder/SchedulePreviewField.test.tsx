import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { SchedulePreviewField } from './SchedulePreviewField';

const form = {
  team: 'group:default/payments',
  repoUrl: 'github.com?owner=nimbus&repo=payments',
  members: ['user:default/ada.lovelace', 'user:default/grace.hopper'],
  rotationType: 'weekly',
  handoffDay: 'monday',
  handoffTime: '09:00',
  timeZone: 'Europe/Berlin',
};

const preview = [
  'Who is on call for the next 4 weeks (Europe/Berlin):',
  '',
  '| On call | From | Until |',
  '| --- | --- | --- |',
  '| user:default/ada.lovelace | Mon 7 Dec 09:00 | Mon 14 Dec 09:00 |',
  '| user:default/grace.hopper | Mon 14 Dec 09:00 | Mon 21 Dec 09:00 |',
].join('\n');

function renderField(formData: object, dryRun: jest.Mock) {
  const props: any = {
    schema: { title: 'Who is on call' },
    uiSchema: {},
    formContext: { formData },
    formData: undefined,
    onChange: jest.fn(),
  };
  return renderInTestApp(
    <TestApiProvider apis={[[scaffolderApiRef, { dryRun } as any]]}>
      <SchedulePreviewField {...props} />
    </TestApiProvider>,
  );
}

describe('SchedulePreviewField', () => {
  it("dry-runs multivac:schedule:render with the form's schedule fields and shows the 4 weeks", async () => {
    const dryRun = jest.fn().mockResolvedValue({
      output: { text: [{ title: 'Preview', content: preview }] },
      log: [],
      steps: [],
      directoryContents: [],
    });
    await renderField(form, dryRun);
    expect(
      await screen.findByText('user:default/grace.hopper'),
    ).toBeInTheDocument();
    const rows = screen.getAllByRole('row').map(row => row.textContent?.trim());
    expect(rows).toEqual([
      'On callFromUntil',
      'user:default/ada.lovelaceMon 7 Dec 09:00Mon 14 Dec 09:00',
      'user:default/grace.hopperMon 14 Dec 09:00Mon 21 Dec 09:00',
    ]);
    expect(dryRun).toHaveBeenCalledTimes(1);
    const { template, values } = dryRun.mock.calls[0][0];
    expect(values).toEqual({});
    expect(template.spec.steps).toEqual([
      {
        id: 'schedule',
        name: 'Preview the schedule',
        action: 'multivac:schedule:render',
        // The repository is the pull request's, not the schedule's.
        input: {
          team: 'group:default/payments',
          members: ['user:default/ada.lovelace', 'user:default/grace.hopper'],
          rotationType: 'weekly',
          handoffDay: 'monday',
          handoffTime: '09:00',
          timeZone: 'Europe/Berlin',
        },
      },
    ]);
  });

  it("shows the schedule's mistake in the catalog's words", async () => {
    const dryRun = jest
      .fn()
      .mockRejectedValue(
        new Error(
          'The schedule is not valid: spec.timeZone: must be an IANA time zone',
        ),
      );
    await renderField({ ...form, timeZone: 'Europe/Berlinn' }, dryRun);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The schedule is not valid: spec.timeZone: must be an IANA time zone',
    );
  });

  it('asks for the team, members and time zone before it previews', async () => {
    const dryRun = jest.fn();
    await renderField({ team: 'group:default/payments', members: [] }, dryRun);
    expect(
      screen.getByText(/Give the team, its members and the time zone/),
    ).toBeInTheDocument();
    await new Promise(resolve => setTimeout(resolve, 500));
    await waitFor(() => expect(dryRun).not.toHaveBeenCalled());
  });
});
