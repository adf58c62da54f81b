import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { EntityRefPicker } from './EntityRefPicker';

const component = (name: string, title: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', title },
  spec: {},
});
const entities = [
  component('ledger-service', 'Ledger service'),
  component('payments-api', 'Payments API'),
];

/** A catalog that answers only when `answer` is called. */
function slowCatalog() {
  const catalog = catalogApiMock({ entities });
  let answer = () => {};
  const answered = new Promise<void>(resolve => {
    answer = resolve;
  });
  const getEntities = catalog.getEntities.bind(catalog);
  catalog.getEntities = async request => {
    await answered;
    return getEntities(request);
  };
  return { catalog, answer: () => answer() };
}

function Picker({ initial = [] }: { initial?: string[] }) {
  const [value, setValue] = useState<string[]>(initial);
  return (
    <>
      <EntityRefPicker
        id="picker"
        label="Affected service"
        kinds={['Component']}
        value={value}
        onChange={setValue}
      />
      <output>{value.join(',') || 'nothing'}</output>
    </>
  );
}

async function render(
  element: JSX.Element,
  catalog = catalogApiMock({ entities }),
) {
  await renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalog]]}>
      {element}
    </TestApiProvider>,
  );
}

describe('EntityRefPicker', () => {
  it('keeps what was typed while the catalog loads, and then offers the matches', async () => {
    const { catalog, answer } = slowCatalog();
    await render(<Picker />, catalog);
    const input = screen.getByLabelText('Affected service');
    fireEvent.change(input, { target: { value: 'Ledger' } });
    answer();
    fireEvent.click(
      await screen.findByRole('option', { name: 'Ledger service (component)' }),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'component:default/ledger-service',
    );
    expect(input).toHaveValue('Ledger service (component)');
  });

  it('asks the catalog again when opened empty, as right after the backend starts', async () => {
    const catalog = catalogApiMock({ entities });
    const getEntities = catalog.getEntities.bind(catalog);
    let calls = 0;
    catalog.getEntities = async request => {
      calls += 1;
      return calls === 1 ? { items: [] } : getEntities(request);
    };
    await render(<Picker />, catalog);
    const input = screen.getByLabelText('Affected service');
    await waitFor(() => expect(calls).toBe(1));

    fireEvent.change(input, { target: { value: 'Pay' } });
    fireEvent.click(
      await screen.findByRole('option', { name: 'Payments API (component)' }),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'component:default/payments-api',
    );
    expect(calls).toBe(2);

    // With entities, opening again asks nothing more.
    fireEvent.change(input, { target: { value: 'Led' } });
    expect(
      await screen.findByRole('option', { name: 'Ledger service (component)' }),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it("shows a pre-filled ref by the entity's name once the catalog answers", async () => {
    const { catalog, answer } = slowCatalog();
    await render(
      <Picker initial={['component:default/payments-api']} />,
      catalog,
    );
    answer();
    await waitFor(() =>
      expect(screen.getByLabelText('Affected service')).toHaveValue(
        'Payments API (component)',
      ),
    );
  });
});
