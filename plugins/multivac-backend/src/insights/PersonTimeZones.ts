import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_TIMEZONE } from '@multivac/plugin-multivac-common';
import { validTimeZone } from './bands';

/** Where no User annotation and no known schedule says otherwise. */
export const FALLBACK_TIME_ZONE = 'UTC';

/**
 * Each person's time zone: their User's `multivac.io/timezone` annotation,
 * else the zone of the built-in schedule that paged them, else UTC (e.g. a
 * PagerDuty escalation policy, whose zone Multivac does not know).
 */
export class PersonTimeZones {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly scheduleZones: ReadonlyMap<string, string>,
  ) {}

  async zones(
    userRefs: string[],
    scheduleId: string,
  ): Promise<Map<string, string>> {
    const refs = [...new Set(userRefs)];
    const zones = new Map<string, string>();
    if (refs.length === 0) {
      return zones;
    }
    const fallback = this.scheduleZones.get(scheduleId) ?? FALLBACK_TIME_ZONE;
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['metadata.annotations'] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    refs.forEach((ref, i) => {
      const annotated = items[i]?.metadata?.annotations?.[ANNOTATION_TIMEZONE];
      zones.set(ref, validTimeZone(annotated) ?? fallback);
    });
    return zones;
  }
}
