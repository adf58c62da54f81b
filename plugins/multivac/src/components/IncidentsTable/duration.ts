import { formatDuration, Incident } from '@multivac/plugin-multivac-common';

/** How long the incident has run: until resolved/cancelled, or until `now`. */
export function incidentDurationMs(
  incident: Incident,
  now = Date.now(),
): number {
  const ended =
    incident.status === 'resolved' || incident.status === 'cancelled'
      ? incident.stateTimestamps[incident.status]
      : undefined;
  const end = ended ? new Date(ended).getTime() : now;
  return end - new Date(incident.createdAt).getTime();
}

export function incidentDurationText(
  incident: Incident,
  now = Date.now(),
): string {
  const ms = incidentDurationMs(incident, now);
  // Whole seconds are enough in tables; the exact figure is on the incident page.
  return formatDuration(ms >= 60_000 ? Math.floor(ms / 60_000) * 60_000 : ms);
}
