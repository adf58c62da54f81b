import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HomeCardList } from './HomeCardList';

const link = { to: '/multivac/incidents', title: 'All incidents' };

describe('HomeCardList', () => {
  it('shows progress while loading, not the empty sentence', async () => {
    await renderInTestApp(
      <HomeCardList loading empty="Nothing here." link={link} />,
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText('Nothing here.')).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All incidents' })).toHaveAttribute(
      'href',
      '/multivac/incidents',
    );
  });

  it('shows the lines, or the sentence when there are none', async () => {
    const { rerender } = await renderInTestApp(
      <HomeCardList
        loading={false}
        empty="Nothing here."
        lines={[{ key: 'a', primary: 'First', secondary: 'more' }]}
        link={link}
      />,
    );
    expect(screen.getByRole('listitem')).toHaveTextContent('Firstmore');
    rerender(
      <HomeCardList
        loading={false}
        empty="Nothing here."
        lines={[]}
        link={link}
      />,
    );
    expect(screen.getByText('Nothing here.')).toBeInTheDocument();
  });

  it('shows the error instead of the lines', async () => {
    await renderInTestApp(
      <HomeCardList
        loading={false}
        error={new Error('Backend unavailable')}
        empty="Nothing here."
        lines={[{ key: 'a', primary: 'First' }]}
        link={link}
      />,
    );
    expect(screen.getAllByText(/Backend unavailable/).length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByText('First')).not.toBeInTheDocument();
  });
});
