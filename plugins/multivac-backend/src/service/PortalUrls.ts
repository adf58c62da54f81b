import { Config } from '@backstage/config';

/**
 * Links to the portal's pages (`app.baseUrl`), built in one place for the
 * REST API, chat modules, trackers and calendar feeds.
 */
export class PortalUrls {
  static fromConfig(config: Config): PortalUrls {
    return new PortalUrls(config.getOptionalString('app.baseUrl') ?? '');
  }

  constructor(private readonly baseUrl: string) {}

  /** By reference (`INC-7`). */
  incident(reference: string): string {
    return this.page('incidents', reference);
  }

  /** By reference (`RPT-3`). */
  report(reference: string): string {
    return this.page('reports', reference);
  }

  /** By post-mortem id or reference (`PM-7`). */
  postmortem(idOrReference: string): string {
    return this.page('postmortems', idOrReference);
  }

  /** By reference (`REL-12`). */
  release(reference: string): string {
    return this.page('releases', reference);
  }

  /** The alerts page, filtered to `entityRef` (and what it owns) when given. */
  alerts(entityRef?: string): string {
    const page = `${this.baseUrl}/multivac/alerts`;
    return entityRef ? `${page}?${new URLSearchParams({ entityRef })}` : page;
  }

  /** By alert group id. */
  alertGroup(id: string): string {
    return this.page('alerts/groups', id);
  }

  private page(section: string, key: string): string {
    return `${this.baseUrl}/multivac/${section}/${encodeURIComponent(key)}`;
  }
}
