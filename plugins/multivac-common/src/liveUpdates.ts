/**
 * What the backend publishes through Backstage signals when something
 * changes, so that open pages re-read it. A signal is a hint, not the data:
 * pages refetch through the permission-checked REST routes. Signals are
 * broadcast, and the signals backend accepts connections without a token,
 * so a message carries nothing but what changed (kind and id) and when.
 *
 * @public
 */
export type LiveSignal = {
  kind: 'incident' | 'page' | 'report' | 'postmortem';
  /** The id of what changed (not its reference). */
  id: string;
  /** When the change was committed, ISO 8601. */
  at: string;
};

/**
 * The signal channels Multivac publishes on.
 *
 * @public
 */
export const liveChannels = {
  /** Every change of any incident (for incident lists). */
  incidents: 'multivac:incidents',
  /** Every change of one incident, its pages and its post-mortem, by its id. */
  incident: (incidentId: string) => `multivac:incident:${incidentId}`,
  /** Every change of any page. */
  pages: 'multivac:pages',
  /** Every change of a page about one entity (for its On call card). */
  entityPages: (entityRef: string) => `multivac:pages:${entityRef}`,
  /** Every change of any triage report. */
  reports: 'multivac:reports',
  /** Every change of one triage report, or of a page it asked for. */
  report: (reportId: string) => `multivac:report:${reportId}`,
} as const;
