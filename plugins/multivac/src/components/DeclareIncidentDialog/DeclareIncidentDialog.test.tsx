import { fireEvent, screen, waitFor } from '@testing-library/react';
import { anIncident, mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { DeclareIncidentDialog } from './DeclareIncidentDialog';

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

describe('DeclareIncidentDialog', () => {
  async function renderDialog(api = mockMultivacApi()) {
    const onDeclared = jest.fn();
    await renderWithMultivac(
      <DeclareIncidentDialog
        open
        onClose={jest.fn()}
        onDeclared={onDeclared}
        defaultEntityRefs={['component:default/payments-api']}
      />,
      { api, entities: [payments] },
    );
    return { api, onDeclared };
  }

  it('explains each severity level', async () => {
    await renderDialog();
    expect(screen.getByText(/a core service is down/)).toBeInTheDocument();
    expect(
      screen.getByText(/little or no customer impact/),
    ).toBeInTheDocument();
  });

  it('names the missing field instead of sending', async () => {
    const { api } = await renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Declare' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'What is broken: must not be empty',
    );
    expect(api.declareIncident).not.toHaveBeenCalled();
  });

  it('declares with the chosen severity and the pre-filled entity', async () => {
    const incident = anIncident();
    const { api, onDeclared } = await renderDialog(
      mockMultivacApi({ declareIncident: jest.fn(async () => incident) }),
    );
    fireEvent.change(screen.getByLabelText(/What is broken/), {
      target: { value: 'Checkout is down' },
    });
    fireEvent.click(screen.getByLabelText(/SEV1/));
    fireEvent.click(screen.getByRole('button', { name: 'Declare' }));
    await waitFor(() => expect(onDeclared).toHaveBeenCalledWith(incident));
    expect(api.declareIncident).toHaveBeenCalledWith({
      title: 'Checkout is down',
      severity: 'SEV1',
      entityRefs: ['component:default/payments-api'],
    });
  });

  it("shows the backend's error and keeps the form", async () => {
    await renderDialog(
      mockMultivacApi({
        declareIncident: jest.fn(async () => {
          throw new Error(
            'entityRefs: unknown catalog entity: component:default/gone',
          );
        }),
      }),
    );
    fireEvent.change(screen.getByLabelText(/What is broken/), {
      target: { value: 'x' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Declare' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'unknown catalog entity',
    );
    expect(screen.getByLabelText(/What is broken/)).toHaveValue('x');
  });
});
