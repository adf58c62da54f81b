import { Digest } from '@multivac/plugin-multivac-common';
import { configure, screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { MultivacPage } from '../MultivacPage';

configure({ asyncUtilTimeout: 5_000 });

const digest: Digest = {
  period: { from: '2026-03-10T08:00:00.000Z', to: '2026-03-11T08:00:00.000Z' },
  hours: 24,
  team: { ref: 'group:default/payments', name: 'Payments' },
  declared: {
    count: 2,
    items: [
      {
        id: 'c',
        reference: 'INC-3',
        title: 'Ledger lags',
        severity: 'SEV3',
        status: 'investigating',
        entityRefs: ['component:default/ledger'],
        declaredAt: '2026-03-10T12:00:00.000Z',
      },
    ],
  },
  resolved: {
    count: 1,
    items: [
      {
        id: 'a',
        reference: 'INC-1',
        title: 'Checkout fails',
        severity: 'SEV2',
        status: 'resolved',
        entityRefs: ['component:default/payments-api'],
        declaredAt: '2026-03-10T09:00:00.000Z',
        resolvedAt: '2026-03-10T09:45:00.000Z',
        durationSeconds: 2700,
      },
    ],
  },
  open: { count: 0, items: [] },
  reports: {
    count: 1,
    items: [
      {
        reference: 'RPT-1',
        title: 'Payments slow',
        severity: 'SEV3',
        entityRef: 'component:default/payments-api',
        reportedBy: 'user:default/ada.lovelace',
        createdAt: '2026-03-10T08:30:00.000Z',
        incidentReference: 'INC-1',
      },
    ],
  },
  pages: {
    total: 3,
    byTeam: [
      {
        teamRef: 'group:default/payments',
        name: 'Payments',
        pages: 3,
        acknowledged: 2,
      },
    ],
  },
  postmortemsDue: {
    count: 1,
    items: [
      {
        reference: 'PM-1',
        title: 'Checkout fails',
        status: 'draft',
        ownerRef: 'user:default/ada.lovelace',
        dueDate: '2026-03-09',
        overdueDays: 2,
      },
    ],
  },
  releases: { count: 0, items: [] },
  freezes: [],
  onCallTonight: [
    {
      scheduleId: 'payments-primary',
      scheduleName: 'Payments primary',
      at: '2026-03-11T21:00:00.000Z',
      timeZone: 'Europe/Berlin',
      people: [{ userRef: 'user:default/ada.lovelace', name: 'Ada Lovelace' }],
    },
  ],
};

function openDigest(path: string, getDigest: jest.Mock) {
  const api = mockMultivacApi({ getDigest });
  return renderWithMultivac(
    withEntityPresentation(
      <Routes>
        <Route path="/multivac/*" element={<MultivacPage />} />
      </Routes>,
      [aUser('ada.lovelace', 'Ada Lovelace')],
    ),
    { api, routeEntries: [path] },
  );
}

describe('DigestPage', () => {
  it("reads the team and hours from the link and shows each list of the team's digest", async () => {
    const getDigest = jest.fn(async () => digest);
    await openDigest(
      '/multivac/digest?team=group%3Adefault%2Fpayments&hours=48',
      getDigest,
    );
    expect(await screen.findByText('Declared (2)')).toBeInTheDocument();
    expect(getDigest).toHaveBeenCalledWith({
      hours: 48,
      team: 'group:default/payments',
    });

    const declared = screen.getByRole('list', { name: 'Declared' });
    expect(
      within(declared).getByRole('link', { name: 'INC-3' }),
    ).toHaveAttribute('href', '/multivac/incidents/INC-3');
    expect(
      within(declared).getByText(/^SEV3 · ledger · declared /),
    ).toBeInTheDocument();
    // One listed of two: the rest is counted.
    expect(within(declared).getByText('and 1 more')).toBeInTheDocument();

    const resolved = screen.getByRole('list', { name: 'Resolved' });
    expect(
      within(resolved).getByText('SEV2 · payments-api · took 45 minutes'),
    ).toBeInTheDocument();
    expect(screen.getByText('Still open (0)')).toBeInTheDocument();
    expect(
      screen.getByText(/^SEV3 · payments-api · .* · became INC-1$/),
    ).toBeInTheDocument();
    expect(screen.getByText('Pages (3)')).toBeInTheDocument();
    expect(screen.getByText('3 pages, 2 acknowledged')).toBeInTheDocument();
    // the owner by display name
    expect(
      await screen.findByText(
        (_, node) =>
          node?.tagName === 'P' &&
          node.textContent ===
            '2 days overdue (2026-03-09) · draft · Ada Lovelace',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'PM-1' })).toHaveAttribute(
      'href',
      '/multivac/postmortems/PM-1',
    );
    expect(
      screen.getByText('Releases in the next 24 hours (0)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Payments primary: Ada Lovelace'),
    ).toBeInTheDocument();
    // Tonight at 22:00 in the schedule's zone.
    expect(
      screen.getByText(
        /^at Mar 11, 2026, 10:00 PM GMT\+1$|^at Mar 11, 2026, 10:00 PM CET$/,
      ),
    ).toBeInTheDocument();
  });

  it('asks for the last 24 hours of everyone by default, and shows what the server refused', async () => {
    const getDigest = jest.fn(async () => {
      throw new Error('You are not allowed to multivac.insights.read');
    });
    await openDigest('/multivac/digest', getDigest);
    expect(
      await screen.findByText(
        'Error: You are not allowed to multivac.insights.read',
        { selector: 'h6' },
      ),
    ).toBeInTheDocument();
    expect(getDigest).toHaveBeenCalledWith({ hours: 24 });
  });
});
