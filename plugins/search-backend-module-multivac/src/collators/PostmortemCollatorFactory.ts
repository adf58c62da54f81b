import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
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
  /** Who writes it (catalog user ref). */
  owner: string;
  dueDate: string;
}

/**
 * Indexes Multivac's post-mortems (type `multivac-postmortem`): title; text
 * = the written sections and the action items. Results are filtered per
 * user with `multivac.postmortem.read` on the post-mortem.
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
    options: { auth: AuthService; discovery: DiscoveryService },
  ) {
    const { pageSize } = readCollatorOptions(config);
    return new MultivacPostmortemCollatorFactory(
      new MultivacReader({ ...options, pageSize }),
    );
  }

  private constructor(private readonly reader: MultivacReader) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  async *execute(): AsyncGenerator<MultivacPostmortemDocument> {
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
      for (const postmortem of postmortems) {
        yield toPostmortemDocument(postmortem);
      }
    }
  }
}

/** The search document of `postmortem`. */
export function toPostmortemDocument(
  postmortem: Postmortem,
): MultivacPostmortemDocument {
  const sections = postmortem.sections
    .filter(section => section.text.trim())
    .map(section => `${section.title}\n${section.text.trim()}`);
  const actionItems = postmortem.actionItems.map(
    item => `Action item: ${item.title}`,
  );
  return {
    title: `${postmortem.reference}: ${postmortem.title}`,
    text: [postmortem.facts.impact?.trim(), ...sections, ...actionItems]
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
    owner: postmortem.ownerRef,
    dueDate: postmortem.dueDate,
    authorization: { resourceRef: postmortem.reference },
  };
}
