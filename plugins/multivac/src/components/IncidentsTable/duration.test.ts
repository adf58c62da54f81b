import { anIncident } from '../../__testUtils__/fixtures';
import { incidentDurationMs, incidentDurationText } from './duration';

describe('incident duration', () => {
  const now = new Date('2026-11-23T10:07:50.200Z').getTime();

  it('runs until now while the incident is active', () => {
    const incident = anIncident({ status: 'investigating' });
    expect(incidentDurationMs(incident, now)).toBe(470_200);
    expect(incidentDurationText(incident, now)).toBe('7 minutes');
  });

  it('stops when it was resolved or cancelled', () => {
    const resolved = anIncident({
      status: 'resolved',
      stateTimestamps: {
        triggered: '2026-11-23T10:00:00.000Z',
        resolved: '2026-11-23T10:00:42.000Z',
      },
    });
    expect(incidentDurationMs(resolved, now)).toBe(42_000);
    expect(incidentDurationText(resolved, now)).toBe('42 seconds');
    const cancelled = anIncident({
      status: 'cancelled',
      stateTimestamps: {
        triggered: '2026-11-23T10:00:00.000Z',
        cancelled: '2026-11-23T12:00:00.000Z',
      },
    });
    expect(incidentDurationText(cancelled, now)).toBe('2 hours');
  });
});
