import { OnCallOverrideRecord } from '@multivac/plugin-multivac-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { CoverShiftDialog } from './CoverShiftDialog';

const grace = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'grace.hopper', namespace: 'default' },
  spec: { profile: { displayName: 'Grace Hopper' } },
};

const schedule = {
  id: 'payments-primary',
  name: 'Payments primary',
  timeZone: 'Europe/Berlin',
};

const covered: OnCallOverrideRecord = {
  id: 'o-1',
  scheduleId: 'payments-primary',
  userRef: 'user:default/grace.hopper',
  start: '2026-12-07T17:00:00.000Z',
  end: '2026-12-08T08:00:00.000Z',
  createdBy: 'user:default/ada.lovelace',
  createdAt: '2026-12-05T10:00:00.000Z',
};

describe('CoverShiftDialog', () => {
  async function renderDialog(api = mockMultivacApi()) {
    const onCovered = jest.fn();
    await renderWithMultivac(
      <CoverShiftDialog
        open
        schedule={schedule}
        onClose={jest.fn()}
        onCovered={onCovered}
      />,
      { api, entities: [grace] },
    );
    return { api, onCovered };
  }

  const setTime = (label: RegExp, value: string) =>
    fireEvent.change(screen.getByLabelText(label), { target: { value } });

  it("names the schedule's zone on the times and sends them in that zone", async () => {
    const { api, onCovered } = await renderDialog(
      mockMultivacApi({ createOverride: jest.fn(async () => covered) }),
    );
    expect(
      screen.getByLabelText(/From \(Europe\/Berlin\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText(/Until \(Europe\/Berlin\)/),
    ).toBeInTheDocument();

    const person = screen.getByLabelText(/Who covers/);
    fireEvent.change(person, { target: { value: 'Grace' } });
    fireEvent.click(
      await screen.findByRole('option', { name: /Grace Hopper/ }),
    );
    setTime(/From \(/, '2026-12-07T18:00');
    setTime(/Until \(/, '2026-12-08T09:00');
    fireEvent.change(screen.getByLabelText(/Why/), {
      target: { value: 'Ada has a concert' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Cover' }));

    await waitFor(() => expect(onCovered).toHaveBeenCalledWith(covered));
    expect(api.createOverride).toHaveBeenCalledWith('payments-primary', {
      userRef: 'user:default/grace.hopper',
      // 18:00 and 09:00 in Berlin (UTC+1 in December)
      start: '2026-12-07T18:00:00.000+01:00',
      end: '2026-12-08T09:00:00.000+01:00',
      reason: 'Ada has a concert',
    });
  });

  it('names the wrong field instead of sending', async () => {
    const { api } = await renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Cover' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Who covers: must not be empty',
    );

    const person = screen.getByLabelText(/Who covers/);
    fireEvent.change(person, { target: { value: 'Grace' } });
    fireEvent.click(
      await screen.findByRole('option', { name: /Grace Hopper/ }),
    );
    setTime(/From \(/, '2026-12-07T18:00');
    setTime(/Until \(/, '2026-12-23T18:00');
    fireEvent.click(screen.getByRole('button', { name: 'Cover' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Until: must be at most 14 days after start',
    );
    expect(api.createOverride).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal and keeps the form", async () => {
    await renderDialog(
      mockMultivacApi({
        createOverride: jest.fn(async () => {
          throw new Error('end: the window is entirely in the past');
        }),
      }),
    );
    const person = screen.getByLabelText(/Who covers/);
    fireEvent.change(person, { target: { value: 'Grace' } });
    fireEvent.click(
      await screen.findByRole('option', { name: /Grace Hopper/ }),
    );
    setTime(/From \(/, '2026-12-07T18:00');
    setTime(/Until \(/, '2026-12-08T09:00');
    fireEvent.click(screen.getByRole('button', { name: 'Cover' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'end: the window is entirely in the past',
    );
    expect(screen.getByLabelText(/Until \(/)).toHaveValue('2026-12-08T09:00');
  });
});
