import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { ImportFromPagerDutyButton } from './ImportFromPagerDutyButton';
import { ImportFromPagerDutyDialog } from './ImportFromPagerDutyDialog';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
  spec: { type: 'team', children: [] },
};

const yaml = [
  'apiVersion: multivac.io/v1alpha1',
  'kind: Schedule',
  'metadata:',
  '  name: payments-primary',
  'spec:',
  '  owner: group:default/payments',
  '',
].join('\n');

async function renderDialog(api = mockMultivacApi()) {
  await renderWithMultivac(
    <ImportFromPagerDutyDialog open onClose={jest.fn()} />,
    { api, entities: [payments] },
  );
  return api;
}

const type = (label: RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

async function fillForm() {
  type(/PagerDuty schedule id/, 'PSCHED1');
  type(/Escalation policy id/, 'PPOL1');
  fireEvent.change(screen.getByLabelText(/Owner/), {
    target: { value: 'Pay' },
  });
  fireEvent.click(await screen.findByRole('option', { name: /Payments/ }));
  type(/^Name/, 'payments-primary');
}

describe('ImportFromPagerDutyDialog', () => {
  it('imports the PagerDuty schedule and shows the file, how to copy it and where it goes', async () => {
    const api = await renderDialog(
      mockMultivacApi({
        importPagerDutySchedule: jest.fn(async () => ({
          yaml,
          entity: {
            apiVersion: 'multivac.io/v1alpha1',
            kind: 'Schedule',
            metadata: { name: 'payments-primary' },
          },
        })),
      }),
    );
    await fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));

    await waitFor(() =>
      expect(screen.getByLabelText('catalog-info-oncall.yaml')).toHaveValue(
        yaml,
      ),
    );
    expect(api.importPagerDutySchedule).toHaveBeenCalledWith({
      scheduleId: 'PSCHED1',
      escalationPolicyId: 'PPOL1',
      owner: 'group:default/payments',
      name: 'payments-primary',
    });
    expect(
      screen.getByRole('button', { name: 'Copy the schedule file' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/next to its/).textContent?.replace(/\s+/g, ' '),
    ).toMatch(
      /Save it as catalog-info-oncall.yaml in the team's repository, next to its catalog-info.yaml/,
    );
    expect(screen.getByText('Put a team on call')).toBeInTheDocument();
  });

  it('names each wrong field beside it instead of sending', async () => {
    const api = await renderDialog();
    type(/^Name/, 'Payments primary!');
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));

    expect(await screen.findByText('must not be empty')).toBeInTheDocument();
    expect(
      screen.getByText('pick the Group that owns the schedule'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^must be 1 to 63 letters, digits/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/PagerDuty schedule id/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    // The optional escalation policy is not a mistake.
    expect(screen.getByLabelText(/Escalation policy id/)).toHaveAttribute(
      'aria-invalid',
      'false',
    );
    expect(api.importPagerDutySchedule).not.toHaveBeenCalled();
  });

  it("places the backend's refusal beside the field it names and keeps the form", async () => {
    await renderDialog(
      mockMultivacApi({
        importPagerDutySchedule: jest.fn(async () => {
          throw Object.assign(
            new Error('scheduleId: PagerDuty has no schedule PSCHED1'),
            { statusCode: 400 },
          );
        }),
      }),
    );
    await fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));

    expect(
      await screen.findByText('PagerDuty has no schedule PSCHED1'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/PagerDuty schedule id/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.getByLabelText(/^Name/)).toHaveValue('payments-primary');
  });

  it('shows a refusal that names no field above the form', async () => {
    await renderDialog(
      mockMultivacApi({
        importPagerDutySchedule: jest.fn(async () => {
          throw Object.assign(
            new Error('PagerDuty is not configured (multivac.pagerDuty)'),
            { statusCode: 503 },
          );
        }),
      }),
    );
    await fillForm();
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'PagerDuty is not configured (multivac.pagerDuty)',
    );
  });
});

describe('ImportFromPagerDutyButton', () => {
  it('opens the import dialog', async () => {
    await renderWithMultivac(<ImportFromPagerDutyButton />);
    const button = screen.getByRole('button', {
      name: 'Import from PagerDuty',
    });
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    expect(
      await screen.findByRole('dialog', {
        name: 'Import a schedule from PagerDuty',
      }),
    ).toBeInTheDocument();
  });
});
