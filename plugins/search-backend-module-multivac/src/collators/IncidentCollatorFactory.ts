import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  Incident,
  incidentReadPermission,
  TimelineEvent,
} from '@multivac/plugin-multivac-common';
import { Readable } from 'node:stream';
import { readCollatorOptions } from '../config';
import { MultivacReader } from './MultivacReader';

/**
 * An incident in the search index.
 *
 * @public
 */
export interface MultivacIncidentDocument extends IndexableDocument {
  /** `INC-7` */
  reference: string;
  severity: string;
  status: string;
  /** Affected catalog entities, full refs. */
  entityRefs: string[];
  /** The incident controller (catalog user ref), when there is one. */
  owner?: string;
  createdAt: string;
}

/**
 * Indexes Multivac's incidents (type `multivac-incident`): title; text =
 * description, summary, impact and people's notes on the timeline. Results are
 * filtered per user with `multivac.incident.read` on the incident.
 *
 * @public
 */
export class MultivacIncidentCollatorFactory
  implements DocumentCollatorFactory
{
  readonly type = 'multivac-incident';
  readonly visibilityPermission = incidentReadPermission;

  static fromConfig(
    config: Config,
    options: { auth: AuthService; discovery: DiscoveryService },
  ) {
    const { pageSize } = readCollatorOptions(config);
    return new MultivacIncidentCollatorFactory(
      new MultivacReader({ ...options, pageSize }),
    );
  }

  private constructor(private readonly reader: MultivacReader) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  async *execute(): AsyncGenerator<MultivacIncidentDocument> {
    for await (const page of this.reader.pages<Incident>('/incidents', {
      status: 'all',
    })) {
      const notes = await this.reader.mapLimited(page, (incident, token) =>
        this.notes(incident, token),
      );
      for (const [i, incident] of page.entries()) {
        yield toIncidentDocument(incident, notes[i]);
      }
    }
  }

  private async notes(incident: Incident, token: string) {
    const { items } = await this.reader.get<{ items: TimelineEvent[] }>(
      `/incidents/${encodeURIComponent(incident.reference)}/timeline`,
      token,
    );
    // People's notes; Multivac's own (e.g. "Nobody paged") would be noise.
    return items.flatMap(event =>
      event.type === 'note' &&
      !event.actor.startsWith('service:') &&
      typeof event.payload.text === 'string'
        ? [event.payload.text]
        : [],
    );
  }
}

/** The search document of `incident`, with its timeline's notes. */
export function toIncidentDocument(
  incident: Incident,
  notes: string[],
): MultivacIncidentDocument {
  const controller = incident.roles.find(r => r.role === 'controller');
  return {
    title: `${incident.reference}: ${incident.title}`,
    text: [incident.description, incident.summary, incident.impact, ...notes]
      .map(part => part?.trim())
      .filter(Boolean)
      .join('\n\n'),
    location: `/multivac/incidents/${encodeURIComponent(incident.reference)}`,
    reference: incident.reference,
    severity: incident.severity,
    status: incident.status,
    entityRefs: incident.entityRefs,
    ...(controller && { owner: controller.userRef }),
    createdAt: incident.createdAt,
    authorization: { resourceRef: incident.reference },
  };
}
