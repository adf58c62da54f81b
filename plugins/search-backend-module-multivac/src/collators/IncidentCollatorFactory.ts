import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
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
import { markdownToPlainText } from './plainText';
import { TeamFields, Teams } from './Teams';

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
  /**
   * The names of the Groups that own the affected entities (a Group is its
   * own), `, `-separated as the catalog shows them; '' for none.
   */
  team: string;
  /** Those Groups' refs, sorted. */
  teamRefs: string[];
  /** The incident controller (catalog user ref), when there is one. */
  owner?: string;
  createdAt: string;
}

/**
 * Indexes Multivac's incidents (type `multivac-incident`): title; text =
 * description, summary, impact and people's notes on the timeline, as plain
 * text; the owning teams of the affected entities (from the catalog). Results
 * are filtered per user with `multivac.incident.read` on the incident.
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
    options: {
      auth: AuthService;
      discovery: DiscoveryService;
      catalog: CatalogService;
    },
  ) {
    const { pageSize } = readCollatorOptions(config);
    return new MultivacIncidentCollatorFactory(
      new MultivacReader({ ...options, pageSize }),
      () => new Teams(options.catalog, options.auth),
    );
  }

  private constructor(
    private readonly reader: MultivacReader,
    private readonly teams: () => Teams,
  ) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  async *execute(): AsyncGenerator<MultivacIncidentDocument> {
    const teams = this.teams();
    for await (const page of this.reader.pages<Incident>('/incidents', {
      status: 'all',
    })) {
      const notes = await this.reader.mapLimited(page, (incident, token) =>
        this.notes(incident, token),
      );
      await teams.load(page.map(incident => incident.entityRefs));
      for (const [i, incident] of page.entries()) {
        yield toIncidentDocument(
          incident,
          notes[i],
          teams.of(incident.entityRefs),
        );
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

/**
 * The search document of `incident`, with its timeline's notes and its
 * teams; its texts (Markdown, or plain) as plain text.
 */
export function toIncidentDocument(
  incident: Incident,
  notes: string[],
  teams: TeamFields,
): MultivacIncidentDocument {
  const controller = incident.roles.find(r => r.role === 'controller');
  return {
    title: `${incident.reference}: ${incident.title}`,
    text: [incident.description, incident.summary, incident.impact, ...notes]
      .map(part => markdownToPlainText(part ?? ''))
      .filter(Boolean)
      .join('\n\n'),
    location: `/multivac/incidents/${encodeURIComponent(incident.reference)}`,
    reference: incident.reference,
    severity: incident.severity,
    status: incident.status,
    entityRefs: incident.entityRefs,
    ...teams,
    ...(controller && { owner: controller.userRef }),
    createdAt: incident.createdAt,
    authorization: { resourceRef: incident.reference },
  };
}
