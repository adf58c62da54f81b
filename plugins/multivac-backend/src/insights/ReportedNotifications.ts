import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_TIMEZONE } from '@multivac/plugin-multivac-common';
import {
  InterruptionLedger,
  ReportedNotification,
} from '@multivac/plugin-multivac-node';
import { Knex } from 'knex';
import { toIsoString } from '../database/util';
import { localMoment, validTimeZone } from './bands';
import { FALLBACK_TIME_ZONE } from './PersonTimeZones';

/** The ledger's `source` column. */
const MAX_SOURCE_LENGTH = 32;

/**
 * The interruptions ledger as modules add to it (`InterruptionLedger` of
 * `multivacInterruptionsExtensionPoint`): notifications a provider reports,
 * e.g. PagerDuty incidents triggered, escalated or reassigned in PagerDuty.
 *
 * Each person's notification is a row of `multivac_notifications` with the
 * provider as `source`, banded in the person's zone (their User's
 * `multivac.io/timezone`, else the zone the provider knows, else UTC). A
 * provider page that is one of Multivac's (found by its dedup key) is
 * recorded on that page, its entity and its incident; any other is
 * recorded on the provider's id for it (`pagerduty:PINC1`). First
 * notifications are level 1 of the page, so the unique page, level and
 * person of the ledger keeps the one Multivac recorded when it paged; later
 * ones are recorded once per page, person and time. The 60-second rule is
 * the ledger's own (its triggers).
 */
export class ReportedNotifications implements InterruptionLedger {
  constructor(
    private readonly db: Knex,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async record(notification: ReportedNotification): Promise<number> {
    const { source, externalId, first } = notification;
    if (!source || source.length > MAX_SOURCE_LENGTH) {
      throw new InputError(
        `source must be 1 to ${MAX_SOURCE_LENGTH} characters, got '${source}'`,
      );
    }
    if (!externalId) {
      throw new InputError('externalId must not be empty');
    }
    const at = Date.parse(notification.at);
    if (Number.isNaN(at)) {
      throw new InputError(
        `at must be an ISO 8601 time, got '${notification.at}'`,
      );
    }
    const people = new Map<string, string | undefined>();
    for (const person of notification.people) {
      people.set(userRef(person.userRef), validTimeZone(person.timeZone));
    }
    if (people.size === 0) {
      return 0;
    }
    const page:
      | { id: string; entity_ref: string; incident_id: string | null }
      | undefined = notification.dedupKey
      ? await this.db('multivac_pages')
          .where({ dedup_key: notification.dedupKey })
          .first('id', 'entity_ref', 'incident_id')
      : undefined;
    const zones = await this.annotatedZones([...people.keys()]);
    const notifiedAt = toIsoString(at);
    const pageId = page?.id ?? externalId;

    return this.db.transaction(async tx => {
      let recorded = 0;
      for (const [ref, providerZone] of people) {
        const repeat = await tx('multivac_notifications')
          .where({ page_id: pageId, user_ref: ref })
          .andWhere(q =>
            first
              ? q.where({ level: 1 })
              : q.where({ notified_at: notifiedAt }),
          )
          .first('id');
        if (repeat) {
          continue;
        }
        const timeZone = zones.get(ref) ?? providerZone ?? FALLBACK_TIME_ZONE;
        const local = localMoment(notifiedAt, timeZone);
        await tx('multivac_notifications').insert({
          user_ref: ref,
          notified_at: notifiedAt,
          source,
          page_id: pageId,
          level: first ? 1 : null,
          incident_id: page?.incident_id ?? null,
          entity_ref: page?.entity_ref ?? notification.entityRef ?? ref,
          time_zone: timeZone,
          local_weekday: local.weekday,
          local_hour: local.hour,
          band: local.band,
        });
        recorded++;
      }
      return recorded;
    });
  }

  /** The valid `multivac.io/timezone` of each User that has one. */
  private async annotatedZones(refs: string[]): Promise<Map<string, string>> {
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['metadata.annotations'] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const zones = new Map<string, string>();
    refs.forEach((ref, i) => {
      const zone = validTimeZone(
        items[i]?.metadata?.annotations?.[ANNOTATION_TIMEZONE],
      );
      if (zone) {
        zones.set(ref, zone);
      }
    });
    return zones;
  }
}

/** `user:default/ada`, or 400 naming the value. */
function userRef(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
    if (parsed.kind.toLocaleLowerCase('en-US') === 'user') {
      return stringifyEntityRef(parsed);
    }
  } catch {
    // Named below.
  }
  throw new InputError(`people[].userRef must be a User ref, got '${ref}'`);
}
