import { fireEvent, screen } from '@testing-library/react';
import { Settings } from 'luxon';
import { anAlert } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import { AlertsTable } from './AlertsTable';

describe('AlertsTable', () => {
  const savedZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = savedZone;
  });

  it("shows when an alert last changed in the viewer's zone, with the zone named", async () => {
    Settings.defaultZone = 'America/New_York';
    await renderWithMultivac(
      <AlertsTable
        title="Alerts"
        alerts={[anAlert({ updatedAt: '2026-11-23T10:02:00.000Z' })]}
      />,
    );
    const ago = await screen.findByText(/ago$/);
    fireEvent.mouseOver(ago);
    expect(
      await screen.findByText('Nov 23, 2026, 5:02 AM EST'),
    ).toBeInTheDocument();
  });
});
