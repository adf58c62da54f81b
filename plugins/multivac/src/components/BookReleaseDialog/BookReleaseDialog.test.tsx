import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ReleaseBlockedError } from '../../api/MultivacApi';
import { aRelease, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { BookReleaseDialog } from './BookReleaseDialog';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: {},
};
const blocking = {
  kind: 'dependency' as const,
  sentence:
    'payments-api depends on ledger-service, which releases 14:00–14:30, overlapping by 20 minutes',
  blocking: true,
};
const environments = [
  { id: 'production', policy: 'block' as const },
  { id: 'staging', policy: 'warn' as const },
];

describe('BookReleaseDialog', () => {
  // The windows are on 24 November 2026; it is 09:00 that morning.
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date('2026-11-24T09:00'),
      advanceTimers: true,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  async function renderDialog(api = mockMultivacApi()) {
    const onBooked = jest.fn();
    await renderWithMultivac(
      <BookReleaseDialog
        open
        onClose={jest.fn()}
        onBooked={onBooked}
        environments={environments}
        defaultEntityRef="component:default/payments-api"
      />,
      { api, entities: [payments] },
    );
    fireEvent.change(screen.getByLabelText(/Start/), {
      target: { value: '2026-11-24T15:10' },
    });
    fireEvent.change(screen.getByLabelText(/End/), {
      target: { value: '2026-11-24T16:00' },
    });
    fireEvent.change(screen.getByLabelText(/Version or title/), {
      target: { value: 'v2.4.1' },
    });
    return { api, onBooked };
  }

  const expectedWindow = {
    start: new Date('2026-11-24T15:10').toISOString(),
    end: new Date('2026-11-24T16:00').toISOString(),
  };

  it('checks the window live and books past a blocking conflict only with a reason', async () => {
    const booked = { ...aRelease(), conflicts: [blocking] };
    const { api, onBooked } = await renderDialog(
      mockMultivacApi({
        checkRelease: jest.fn(async () => ({
          conflicts: [blocking],
          blocked: true,
        })),
        createRelease: jest.fn(async () => booked),
      }),
    );
    // On a slow machine the debounced check may also run once for the
    // default window, before the test types its own.
    await waitFor(() =>
      expect(api.checkRelease).toHaveBeenLastCalledWith({
        entityRef: 'component:default/payments-api',
        environment: 'production',
        ...expectedWindow,
      }),
    );
    expect(
      await screen.findByText(/payments-api depends on ledger-service/),
    ).toBeInTheDocument();
    const book = screen.getByRole('button', { name: 'Book anyway' });
    expect(book).toBeDisabled();

    fireEvent.click(screen.getByLabelText('Release anyway'));
    expect(book).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/Why it may go ahead/), {
      target: { value: 'ledger change is backwards compatible' },
    });
    expect(book).toBeEnabled();
    fireEvent.click(book);
    await waitFor(() => expect(onBooked).toHaveBeenCalledWith(booked));
    expect(api.createRelease).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      title: 'v2.4.1',
      environment: 'production',
      ...expectedWindow,
      links: [],
      notes: '',
      force: { reason: 'ledger change is backwards compatible' },
    });
  });

  it('shows warnings without blocking', async () => {
    await renderDialog(
      mockMultivacApi({
        checkRelease: jest.fn(async () => ({
          conflicts: [{ ...blocking, blocking: false }],
          blocked: false,
        })),
      }),
    );
    expect(await screen.findByText(/^Warning:/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Book' })).toBeEnabled();
    expect(screen.queryByLabelText('Release anyway')).not.toBeInTheDocument();
  });

  it("shows the server's 409 conflicts and message when the window filled up meanwhile", async () => {
    const { onBooked } = await renderDialog(
      mockMultivacApi({
        createRelease: jest.fn(async () => {
          throw new ReleaseBlockedError(
            'The release conflicts with REL-1; force it with a reason',
            [blocking],
          );
        }),
      }),
    );
    expect(await screen.findByText(/No conflicts/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Book' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The release conflicts with REL-1',
    );
    expect(
      screen.getByText(/payments-api depends on ledger-service/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Book anyway' })).toBeDisabled();
    expect(onBooked).not.toHaveBeenCalled();
  });

  it('does not book a window that ended, but records a release that already happened as done, with a reason', async () => {
    const done = { ...aRelease(), status: 'done' as const, conflicts: [] };
    const { api, onBooked } = await renderDialog(
      mockMultivacApi({ createRelease: jest.fn(async () => done) }),
    );
    expect(screen.queryByText(/already ended/)).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/Start/), {
      target: { value: '2026-11-23T15:10' },
    });
    fireEvent.change(screen.getByLabelText(/End/), {
      target: { value: '2026-11-23T16:00' },
    });
    expect(
      await screen.findByText(/This window has already ended/),
    ).toBeInTheDocument();
    const record = screen.getByRole('button', { name: 'Record as done' });
    expect(record).toBeDisabled();
    fireEvent.click(
      screen.getByLabelText('Record it as done (it already happened)'),
    );
    expect(record).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/Why it is recorded after/), {
      target: { value: 'Shipped during INC-4' },
    });
    expect(record).toBeEnabled();
    fireEvent.click(record);
    await waitFor(() => expect(onBooked).toHaveBeenCalledWith(done));
    expect(api.createRelease).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      title: 'v2.4.1',
      environment: 'production',
      start: new Date('2026-11-23T15:10').toISOString(),
      end: new Date('2026-11-23T16:00').toISOString(),
      links: [],
      notes: '',
      status: 'done',
      reason: 'Shipped during INC-4',
    });
  });

  it('names a bad link before sending', async () => {
    const { api } = await renderDialog();
    fireEvent.change(screen.getByLabelText('CI run URL'), {
      target: { value: 'ftp://ci.example.com/7' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Book' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'CI run URL: must be an http(s) URL',
    );
    expect(api.createRelease).not.toHaveBeenCalled();
  });
});
