import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  Postmortem,
  postmortemReadPermission,
  PostmortemSummary,
} from '@multivac/plugin-multivac-common';
import { Readable } from 'node:stream';
import { readCollatorOptions } from '../config';
import { MultivacReader } from './MultivacReader';
import { markdownToPlainText } from './plainText';
import { TeamFields, Teams } from './Teams';

/**
 * A post-mortem in the search index.
 *
 * @public
 */
export interface MultivacPostmortemDocument extends IndexableDocument {
  /** `PM-7` */
  reference: string;
  /** `INC-7` */
  incidentReference: string;
  severity: string;
  status: string;
  /** The incident's catalog entities, full refs. */
  entityRefs: string[];
  /**
   * The names of the Groups that own the incident's entities (a Group is its
   * own), `, `-separated as the catalog shows them; '' for none.
   */
  team: string;
  /** Those Groups' refs, sorted. */
  teamRefs: string[];
  /** Who writes it (catalog user ref). */
  owner: string;
  dueDate: string;
}

/**
 * Indexes Multivac's post-mortems (type `multivac-postmortem`): title; text
 * = the impact, the written sections and the action items, as plain text; the
 * owning teams of the incident's entities (from the catalog). Results are
 * filtered per user with `multivac.postmortem.read` on the post-mortem.
 *
 * @public
 */
export class MultivacPostmortemCollatorFactory
  implements DocumentCollatorFactory
{
  readonly type = 'multivac-postmortem';
  readonly visibilityPermission = postmortemReadPermission;

  static fromConfig(
    config: Config,
    options: {
      auth: AuthService;
      discovery: DiscoveryService;
      catalog: CatalogService;
    },
  ) {
    const { pageSize } = readCollatorOptions(config);
    return new MultivacPostmortemCollatorFactory(
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

  async *execute(): AsyncGenerator<MultivacPostmortemDocument> {
    const teams = this.teams();
    // The list has no contents: each post-mortem is read on its own.
    for await (const page of this.reader.pages<PostmortemSummary>(
      '/postmortems',
    )) {
      const postmortems = await this.reader.mapLimited(page, (summary, token) =>
        this.reader.get<Postmortem>(
          `/postmortems/${encodeURIComponent(summary.reference)}`,
          token,
        ),
      );
      await teams.load(postmortems.map(p => p.facts.entityRefs));
      for (const postmortem of postmortems) {
        yield toPostmortemDocument(
          postmortem,
          teams.of(postmortem.facts.entityRefs),
        );
      }
    }
  }
}

/**
 * The search document of `postmortem`, with its teams; the impact, the
 * sections and the action items (Markdown) as plain text.
 */
export function toPostmortemDocument(
  postmortem: Postmortem,
  teams: TeamFields,
): MultivacPostmortemDocument {
  const sections = postmortem.sections
    .map(section => ({ ...section, text: markdownToPlainText(section.text) }))
    .filter(section => section.text)
    .map(section => `${section.title}\n${section.text}`);
  const actionItems = postmortem.actionItems.map(
    item => `Action item: ${markdownToPlainText(item.title)}`,
  );
  return {
    title: `${postmortem.reference}: ${postmortem.title}`,
    text: [
      markdownToPlainText(postmortem.facts.impact ?? ''),
      ...sections,
      ...actionItems,
    ]
      .filter(Boolean)
      .join('\n\n'),
    location: `/multivac/postmortems/${encodeURIComponent(
      postmortem.reference,
    )}`,
    reference: postmortem.reference,
    incidentReference: postmortem.incidentReference,
    severity: postmortem.severity,
    status: postmortem.status,
    entityRefs: postmortem.facts.entityRefs,
    ...teams,
    owner: postmortem.ownerRef,
    dueDate: postmortem.dueDate,
    authorization: { resourceRef: postmortem.reference },
  };
}
