import {
  DEFAULT_SEVERITY_RUBRIC,
  SeverityRubric,
} from '@multivac/plugin-multivac-common';
import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { DateTime } from 'luxon';
import { aReport, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

// Each test fills the whole form in jsdom, which takes seconds on a busy
// machine.
configure({ asyncUtilTimeout: 5_000 });

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    title: 'Payments API',
  },
  spec: {},
};

async function openForm(api = mockMultivacApi()) {
  await renderMultivacPage(
    '/multivac/report?entityRef=component:default/payments-api',
    { api, entities: [payments] },
  );
  await waitFor(() => expect(api.getSeverityRubric).toHaveBeenCalled());
  await screen.findByLabelText(/What is broken/);
  return api;
}

/** Picks an option of an MUI select and waits for its menu to close. */
async function choose(label: RegExp, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(within(screen.getByRole('listbox')).getByText(option));
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
}

function type(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** Title, dozens of users everywhere (SEV2 by the default rubric), customer-facing. */
async function fillIn() {
  type(/What is broken/, 'Card payments failing');
  await choose(/Users affected/, '11–100 users');
  fireEvent.click(screen.getByLabelText('Everywhere'));
  fireEvent.click(screen.getByLabelText('Yes, customer-facing'));
}

// by text: a role query over the whole form is slow in jsdom
const submitButton = () =>
  screen.getByText('Report and page on-call').closest('button')!;

describe('ReportPage', () => {
  it('rates the severity live with the rubric the server uses', async () => {
    const rubric: SeverityRubric = {
      ...DEFAULT_SEVERITY_RUBRIC,
      global: { ...DEFAULT_SEVERITY_RUBRIC.global, dozens: 'SEV1' },
    };
    await openForm(
      mockMultivacApi({ getSeverityRubric: jest.fn(async () => rubric) }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Say how many users are affected and where',
    );

    await choose(/Users affected/, '11–100 users');
    fireEvent.click(screen.getByLabelText('Everywhere'));
    expect(screen.getByRole('status')).toHaveTextContent(
      'SEV1 — 11–100 users, everywhere: SEV1 by the severity rubric',
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'a core service is down',
    );
    expect(screen.getByLabelText(/^Severity/)).toHaveTextContent(
      'SEV1 (the rubric’s)',
    );

    fireEvent.click(screen.getByLabelText('A single customer'));
    expect(screen.getByRole('status')).toHaveTextContent(
      'SEV3 — 11–100 users, a single customer: SEV3 by the severity rubric',
    );
    await choose(/Users affected/, 'More than 1,000 users');
    expect(screen.getByRole('status')).toHaveTextContent(
      'SEV2 — More than 1,000 users, a single customer',
    );
    expect(screen.getByLabelText(/^Severity/)).toHaveTextContent(
      'SEV2 (the rubric’s)',
    );
  });

  it('pre-fills the affected service from the address', async () => {
    await openForm();
    expect(screen.getByRole('link', { name: 'Your reports' })).toHaveAttribute(
      'href',
      '/multivac/reports?reportedBy=me',
    );
    await waitFor(() =>
      expect(screen.getByLabelText(/Affected service/)).toHaveValue(
        'Payments API (component)',
      ),
    );
  });

  it('refuses a lower severity without a reason, sends it with one, then shows the report', async () => {
    const api = await openForm();
    await fillIn();
    expect(
      screen.queryByLabelText(/Why lower than the rubric/),
    ).not.toBeInTheDocument();

    await choose(/^Severity/, 'SEV4');
    fireEvent.click(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Check the marked field: Why lower than the rubric.',
    );
    expect(
      screen.getByLabelText(/Why lower than the rubric/),
    ).toHaveAccessibleDescription(
      "SEV4 is lower than the rubric's SEV2; say why",
    );
    expect(screen.getByLabelText(/Why lower than the rubric/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(api.submitReport).not.toHaveBeenCalled();

    type(/Why lower than the rubric/, 'Only the sandbox tenant');
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(api.submitReport).toHaveBeenCalledWith({
        title: 'Card payments failing',
        description: '',
        entityRef: 'component:default/payments-api',
        usersAffected: 'dozens',
        scope: 'global',
        customerFacing: true,
        links: [],
        severity: 'SEV4',
        severityReason: 'Only the sandbox tenant',
      }),
    );
    expect(
      await screen.findByRole('heading', {
        name: 'RPT-1: Card payments failing',
      }),
    ).toBeInTheDocument();
    expect(api.getReport).toHaveBeenCalledWith('RPT-1');
  });

  it('needs no reason to raise the severity', async () => {
    const api = await openForm();
    await fillIn();
    await choose(/^Severity/, 'SEV1');
    expect(
      screen.queryByLabelText(/Why lower than the rubric/),
    ).not.toBeInTheDocument();
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(api.submitReport).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'SEV1',
          severityReason: undefined,
        }),
      ),
    );
  });

  it('asks which region when the problem is in one region', async () => {
    const api = await openForm();
    await fillIn();
    fireEvent.click(screen.getByLabelText('One region'));
    fireEvent.click(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Check the marked field: Which region.',
    );
    expect(screen.getByLabelText(/Which region/)).toHaveAccessibleDescription(
      'say which region',
    );
    expect(api.submitReport).not.toHaveBeenCalled();

    type(/Which region/, 'eu-west-1');
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(api.submitReport).toHaveBeenCalledWith(
        expect.objectContaining({
          scope: 'region',
          region: 'eu-west-1',
          severity: 'SEV2',
        }),
      ),
    );
  });

  it('marks each missing field and says beside it what is wrong, instead of sending', async () => {
    const api = await openForm();
    fireEvent.click(submitButton());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Check the marked 4 fields: What is broken, Users affected, Where is it seen, Do customers see it.',
    );
    expect(screen.getByLabelText(/What is broken/)).toHaveAccessibleDescription(
      'say what is broken',
    );
    expect(screen.getByLabelText(/What is broken/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    // MUI's select does not point at its helper text: the text is marked.
    expect(screen.getByText('pick how many users are affected')).toHaveClass(
      'Mui-error',
    );
    expect(
      screen.getByRole('radiogroup', { description: /customers see it/ }),
    ).toHaveAccessibleDescription('say whether customers see it');
    // A field without a mistake keeps its hint.
    expect(screen.getByLabelText(/^Links/)).toHaveAccessibleDescription(
      'Dashboards, alerts, screenshots: one full URL per line',
    );
    expect(api.submitReport).not.toHaveBeenCalled();

    type(/What is broken/, 'Card payments failing');
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(
        screen.getByLabelText(/What is broken/),
      ).toHaveAccessibleDescription(
        'One line, e.g. “Card payments fail with 502 at checkout”',
      ),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Check the marked 3 fields',
    );
  });

  it('sends links one per line and the start time with its offset', async () => {
    const api = await openForm();
    await fillIn();
    type(/Links/, 'grafana/payments');
    fireEvent.click(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Check the marked field: Links.',
    );
    expect(screen.getByLabelText(/^Links/)).toHaveAccessibleDescription(
      '#1: must be a full URL (https://...)',
    );

    type(
      /Links/,
      'https://grafana.example/d/payments\n\n  https://status.example  ',
    );
    type(/When did it start/, '2026-11-23T09:30');
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(api.submitReport).toHaveBeenCalledWith(
        expect.objectContaining({
          links: [
            'https://grafana.example/d/payments',
            'https://status.example',
          ],
          startedAt: DateTime.fromISO('2026-11-23T09:30').toISO(),
        }),
      ),
    );
  });

  it("places the server's refusal beside the fields it names and keeps the form", async () => {
    await openForm(
      mockMultivacApi({
        submitReport: jest.fn(async () => {
          throw new Error(
            'entityRefs: unknown catalog entity: component:default/payments-apx. Did you mean payments-api?',
          );
        }),
      }),
    );
    await fillIn();
    fireEvent.click(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Check the marked field: Affected service.',
    );
    expect(
      screen.getByLabelText(/Affected service/),
    ).toHaveAccessibleDescription(
      'unknown catalog entity: component:default/payments-apx. Did you mean payments-api?',
    );
    expect(screen.getByLabelText(/What is broken/)).toHaveValue(
      'Card payments failing',
    );
  });

  it("places the server's 400 naming several fields, and shows a refusal naming none whole", async () => {
    const submitReport = jest
      .fn()
      .mockRejectedValueOnce(
        new Error(
          'Invalid report: region: say which region; links.1: must be a full URL (https://...)',
        ),
      )
      .mockRejectedValueOnce(
        new Error('The database could not complete the request'),
      );
    await openForm(mockMultivacApi({ submitReport }));
    await fillIn();
    fireEvent.click(submitButton());
    // The region is asked only for one region: its mistake is said below.
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Check the marked field: Links.');
    expect(alert).toHaveTextContent('Which region: say which region');
    expect(screen.getByLabelText(/^Links/)).toHaveAccessibleDescription(
      '#2: must be a full URL (https://...)',
    );

    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        /^The database could not complete the request$/,
      ),
    );
    expect(screen.getByLabelText(/^Links/)).toHaveAccessibleDescription(
      'Dashboards, alerts, screenshots: one full URL per line',
    );
  });

  it('disables sending while the report is on its way', async () => {
    let send: (value: ReturnType<typeof aReport>) => void = () => {};
    await openForm(
      mockMultivacApi({
        submitReport: jest.fn(
          () =>
            new Promise(resolve => {
              send = resolve;
            }),
        ),
      }),
    );
    await fillIn();
    fireEvent.click(submitButton());
    await waitFor(() => expect(submitButton()).toBeDisabled());
    send(aReport());
    expect(
      await screen.findByRole('heading', {
        name: 'RPT-1: Card payments failing',
      }),
    ).toBeInTheDocument();
  });

  it('still takes reports when the rubric cannot be loaded', async () => {
    const api = await openForm(
      mockMultivacApi({
        getSeverityRubric: jest.fn(async () => {
          throw new Error('backend down');
        }),
      }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'The severity rubric could not be loaded (backend down)',
    );
    await fillIn();
    fireEvent.click(submitButton());
    await waitFor(() =>
      expect(api.submitReport).toHaveBeenCalledWith(
        expect.objectContaining({ severity: undefined }),
      ),
    );
  });
});
