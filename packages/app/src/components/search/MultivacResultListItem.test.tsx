import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { MultivacResultListItem } from './MultivacResultListItem';

const incident = {
  title: 'INC-1: Visa payments declined',
  text: 'Checkout returns 502 for Visa cards',
  location: '/multivac/incidents/INC-1',
  reference: 'INC-1',
  severity: 'SEV2',
  status: 'investigating',
  team: 'Checkout, Payments Team',
};

describe('MultivacResultListItem', () => {
  it("shows the team that owns the result's entities", async () => {
    await renderInTestApp(
      <MultivacResultListItem type="multivac-incident" result={incident} />,
    );

    expect(screen.getByText('Checkout, Payments Team')).toBeInTheDocument();
    expect(screen.getByTitle('Team')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'INC-1: Visa payments declined' }),
    ).toHaveAttribute('href', '/multivac/incidents/INC-1');
  });

  it('highlights the words of the team that the search matched', async () => {
    const { container } = await renderInTestApp(
      <MultivacResultListItem
        type="multivac-postmortem"
        result={{
          ...incident,
          title: 'PM-1: Visa payments declined',
          location: '/multivac/postmortems/PM-1',
          reference: 'PM-1',
        }}
        highlight={{
          preTag: '<hl>',
          postTag: '</hl>',
          fields: { team: 'Checkout, <hl>Payments</hl> Team' },
        }}
      />,
    );

    const marked = container.querySelector('mark');
    expect(marked).toHaveTextContent(/^Payments$/);
    expect(marked?.parentElement).toHaveTextContent(
      /^Checkout, Payments Team$/,
    );
  });

  it('shows no team when no Group owns the entities, or the document has none', async () => {
    for (const team of ['', undefined]) {
      const { unmount } = await renderInTestApp(
        <MultivacResultListItem
          type="multivac-incident"
          result={{ ...incident, team }}
        />,
      );
      expect(
        screen.getByRole('link', { name: 'INC-1: Visa payments declined' }),
      ).toBeInTheDocument();
      expect(screen.queryByTitle('Team')).not.toBeInTheDocument();
      unmount();
    }
  });
});
