import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { anIntegration, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderMultivacPage } from '../../__testUtils__/render';

configure({ asyncUtilTimeout: 5_000 });

const alertApi = { post: jest.fn(), alert$: jest.fn() };

const portalMade = anIntegration({
  id: 'prom',
  name: 'Payments Prometheus',
  vendor: 'alertmanager',
  url: 'http://backend/api/multivac/alerts/integrations/prom',
  managedBy: 'portal',
  secretCount: 2,
  secretRotatedAt: '2026-11-23T10:00:00.000Z',
  previousSecretValidUntil: '2026-11-23T11:00:00.000Z',
});

function openAdmin(api = mockMultivacApi()) {
  return renderMultivacPage('/multivac/alerts/integrations', {
    api,
    alertApi,
  });
}

describe('AlertIntegrationsPage', () => {
  beforeEach(() => alertApi.post.mockClear());

  it('lists integrations with their delivery URL and what may change where', async () => {
    await openAdmin(
      mockMultivacApi({
        listAlertIntegrations: jest.fn(async () => [
          anIntegration(),
          portalMade,
        ]),
      }),
    );
    const demo = (
      await screen.findByText(
        'http://backend/api/multivac/alerts/integrations/demo',
      )
    ).closest('tr')!;
    expect(within(demo).getByText('app-config.yaml')).toBeInTheDocument();
    expect(
      within(demo).queryByRole('button', { name: /Delete/ }),
    ).not.toBeInTheDocument();
    expect(
      within(demo).getByRole('button', {
        name: 'Copy the delivery URL of demo',
      }),
    ).toBeInTheDocument();

    const prom = screen.getByText('Payments Prometheus').closest('tr')!;
    expect(within(prom).getByText('portal')).toBeInTheDocument();
    expect(within(prom).getByText('2 secrets')).toBeInTheDocument();
    expect(
      within(prom).getByText(/previous one valid until/),
    ).toBeInTheDocument();
    expect(
      within(prom).getByRole('button', { name: 'Delete prom' }),
    ).toBeEnabled();
  });

  it('creates an integration and shows its secret once, with a warning', async () => {
    const api = await openAdmin();
    fireEvent.click(
      await screen.findByRole('button', { name: 'New integration' }),
    );
    const dialog = screen.getByRole('dialog');
    // the same schema as the backend names what is wrong before sending
    fireEvent.change(within(dialog).getByLabelText(/Name/), {
      target: { value: 'Payments Prometheus' },
    });
    fireEvent.change(within(dialog).getByLabelText(/^Id/), {
      target: { value: 'payments prom' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^Id: must be letters, digits/,
    );
    expect(api.createAlertIntegration).not.toHaveBeenCalled();

    fireEvent.change(within(dialog).getByLabelText(/^Id/), {
      target: { value: 'prom' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Grouping window/), {
      target: { value: '15' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(api.createAlertIntegration).toHaveBeenCalledWith({
        id: 'prom',
        name: 'Payments Prometheus',
        vendor: 'alertmanager',
        groupWindowMinutes: 15,
      }),
    );
    const shown = await screen.findByRole('dialog', {
      name: 'Integration prom created',
    });
    expect(within(shown).getByLabelText('Secret')).toHaveValue(
      'new-secret-shown-once',
    );
    expect(within(shown).getByRole('alert')).toHaveTextContent(
      'it is shown only this once',
    );
    expect(
      within(shown).getByRole('button', { name: 'Copy secret' }),
    ).toBeInTheDocument();
    fireEvent.click(
      within(shown).getByRole('button', { name: 'I have copied it' }),
    );
    await waitFor(() =>
      expect(screen.queryByText('new-secret-shown-once')).toBeNull(),
    );
    expect(screen.queryByDisplayValue('new-secret-shown-once')).toBeNull();
    // the list is read again to show the new one
    expect(api.listAlertIntegrations).toHaveBeenCalledTimes(2);
  });

  it('rotates a secret with a grace period and shows the new one', async () => {
    const api = await openAdmin(
      mockMultivacApi({
        listAlertIntegrations: jest.fn(async () => [portalMade]),
      }),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Rotate the secret of prom' }),
    );
    fireEvent.change(screen.getByLabelText(/Grace period/), {
      target: { value: '30' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Rotate' }));
    await waitFor(() =>
      expect(api.rotateAlertIntegrationSecret).toHaveBeenCalledWith('prom', {
        graceMinutes: 30,
      }),
    );
    const shown = await screen.findByRole('dialog', {
      name: 'New secret for prom',
    });
    expect(within(shown).getByLabelText('Secret')).toHaveValue(
      'rotated-secret-shown-once',
    );
  });

  it('deletes a portal-made integration and shows a refusal', async () => {
    const api = await openAdmin(
      mockMultivacApi({
        listAlertIntegrations: jest.fn(async () => [portalMade]),
        deleteAlertIntegration: jest.fn(async () => {
          throw new Error('Integration prom is in use');
        }),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Delete prom' }));
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Delete',
      }),
    );
    await waitFor(() =>
      expect(api.deleteAlertIntegration).toHaveBeenCalledWith('prom'),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'Integration prom is in use',
        severity: 'error',
      }),
    );
  });

  it('previews where a sample payload would go and which rule matched', async () => {
    const api = await openAdmin(
      mockMultivacApi({
        previewAlertRouting: jest.fn(async () => [
          {
            dedupKey: 'k1',
            summary: 'Checkout error rate above 5%',
            status: 'firing' as const,
            urgency: 'high' as const,
            entityRef: 'component:default/payments-api',
            matched: 'rule:1',
            candidates: [
              {
                entityRef: 'component:default/checkout',
                matched: 'label:service',
                inCatalog: false,
              },
              {
                entityRef: 'component:default/payments-api',
                matched: 'rule:1',
                inCatalog: true,
              },
            ],
          },
        ]),
      }),
    );
    const payload = await screen.findByLabelText('Sample payload (JSON)');
    fireEvent.change(payload, { target: { value: '{"summary": ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^The payload is not JSON/,
    );
    expect(api.previewAlertRouting).not.toHaveBeenCalled();

    fireEvent.change(payload, {
      target: { value: '{"summary": "x", "dedupKey": "k1"}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() =>
      expect(api.previewAlertRouting).toHaveBeenCalledWith('demo', {
        payload: { summary: 'x', dedupKey: 'k1' },
      }),
    );
    const row = (
      await screen.findByText('Checkout error rate above 5%')
    ).closest('tr')!;
    expect(
      within(row).getByRole('link', { name: 'payments-api' }),
    ).toBeInTheDocument();
    expect(within(row).getByText('rule:1')).toBeInTheDocument();
    expect(row).toHaveTextContent(
      'component:default/checkout (label:service, not in the catalog)',
    );

    fireEvent.click(
      screen.getByRole('button', { name: 'Preview the last 20 deliveries' }),
    );
    await waitFor(() =>
      expect(api.previewAlertRouting).toHaveBeenLastCalledWith('demo', {
        last: 20,
      }),
    );
  });

  it('shows why a preview failed', async () => {
    await openAdmin(
      mockMultivacApi({
        previewAlertRouting: jest.fn(async () => {
          throw new Error('generic alert: summary is required');
        }),
      }),
    );
    fireEvent.change(await screen.findByLabelText('Sample payload (JSON)'), {
      target: { value: '{}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'generic alert: summary is required',
    );
  });

  it('lists the dead letters with why each was refused', async () => {
    await openAdmin(
      mockMultivacApi({
        listAlertDeadLetters: jest.fn(async () => [
          {
            id: 'd1',
            integrationId: 'demo',
            error: 'generic alert: dedupKey is required',
            contentType: 'application/json',
            body: '{"summary":"disk full"}',
            receivedAt: '2026-11-23T10:00:00.000Z',
          },
        ]),
      }),
    );
    const row = (
      await screen.findByText('generic alert: dedupKey is required')
    ).closest('tr')!;
    expect(within(row).getByText('{"summary":"disk full"}')).toBeVisible();
    expect(screen.getByText('Dead letters (1)')).toBeInTheDocument();
  });
});
