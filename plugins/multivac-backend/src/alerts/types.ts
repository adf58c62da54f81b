import { AlertStatus } from '@multivac/plugin-multivac-common';

/** What every adapter turns a vendor payload into. */
export interface NormalizedAlert {
  /** The vendor's identity of the alert: a repeat updates, never adds. */
  dedupKey: string;
  status: AlertStatus;
  summary: string;
  /** The vendor's severity or priority, e.g. `critical`. */
  severity?: string;
  labels: Record<string, string>;
  links: string[];
  /** ISO time. */
  startsAt?: string;
  /** An entity ref the sender named outright (the generic `entityRef`). */
  entityHint?: string;
}

/** An adapter: a vendor payload (parsed JSON) to alerts; InputError when unreadable. */
export type AlertAdapter = (payload: unknown) => NormalizedAlert[];
