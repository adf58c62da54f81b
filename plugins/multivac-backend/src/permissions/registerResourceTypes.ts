import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  Incident,
  PageRecord,
  Release,
} from '@multivac/plugin-multivac-common';
import { IncidentStore } from '../database/IncidentStore';
import { PageStore } from '../database/PageStore';
import { PostmortemService } from '../postmortems';
import { ReleaseService } from '../releases';
import { CatalogEntities } from '../service/CatalogEntities';
import {
  IncidentResource,
  incidentResourceRef,
  PageResource,
  pageResourceRef,
  postmortemResourceRef,
  ReleaseResource,
  releaseResourceRef,
} from './resources';
import {
  incidentRules,
  pageRules,
  postmortemRules,
  releaseRules,
} from './rules';

/** Where the permission framework's resources are loaded from. */
export interface PermissionResourceSources {
  incidents: IncidentStore;
  postmortems: PostmortemService;
  pages: PageStore;
  releases: ReleaseService;
  entities: CatalogEntities;
}

/**
 * Loads items as their permission rules see them: with the owners of their
 * catalog entities, looked up in one catalog request per batch.
 */
export class PermissionResources {
  constructor(private readonly sources: PermissionResourceSources) {}

  async incidents(
    refs: string[],
  ): Promise<Array<IncidentResource | undefined>> {
    const incidents = await Promise.all(
      refs.map(ref => this.sources.incidents.getIncident(ref)),
    );
    return this.withOwners(incidents, (incident, entityOwnerRefs) =>
      incidentResource(incident, entityOwnerRefs),
    );
  }

  async postmortems(
    refs: string[],
  ): Promise<Array<IncidentResource | undefined>> {
    const postmortems = await Promise.all(
      refs.map(ref => this.sources.postmortems.find(ref)),
    );
    const incidents = await Promise.all(
      postmortems.map(
        postmortem =>
          postmortem &&
          this.sources.incidents.getIncident(postmortem.incidentId),
      ),
    );
    return this.withOwners(incidents, incidentResource);
  }

  async pages(ids: string[]): Promise<Array<PageResource | undefined>> {
    const pages = await Promise.all(ids.map(id => this.sources.pages.get(id)));
    return this.withOwners(pages, pageResource);
  }

  async releases(refs: string[]): Promise<Array<ReleaseResource | undefined>> {
    const releases = await Promise.all(
      refs.map(ref => this.sources.releases.find(ref)),
    );
    return this.withOwners(releases, releaseResource);
  }

  /** A booking that does not exist yet, for conditions on creating it. */
  async booking(booking: {
    entityRef: string;
    ownerRef: string;
  }): Promise<ReleaseResource> {
    const [resource] = await this.withOwners([booking], releaseResource);
    return resource!;
  }

  private async withOwners<
    TItem extends { entityRef: string } | { entityRefs: string[] },
    TResource,
  >(
    items: Array<TItem | undefined>,
    toResource: (item: TItem, entityOwnerRefs: string[]) => TResource,
  ): Promise<Array<TResource | undefined>> {
    const refsOf = (item: TItem) =>
      'entityRefs' in item ? item.entityRefs : [item.entityRef];
    const owners = await this.sources.entities.ownersOf(
      items.flatMap(item => (item ? refsOf(item) : [])),
    );
    return items.map(
      item =>
        item &&
        toResource(
          item,
          refsOf(item).flatMap(ref => owners.get(ref) ?? []),
        ),
    );
  }
}

function incidentResource(
  incident: Incident,
  entityOwnerRefs: string[],
): IncidentResource {
  return {
    entityRefs: incident.entityRefs,
    entityOwnerRefs,
    roles: incident.roles,
  };
}

/** A page as its permission rules see it, given its entity's owners. */
export function pageResource(
  page: PageRecord,
  entityOwnerRefs: string[],
): PageResource {
  return {
    entityRefs: [page.entityRef],
    entityOwnerRefs,
    targetRefs: page.targets.flatMap(target =>
      target.userRef ? [target.userRef] : [],
    ),
  };
}

function releaseResource(
  release: Pick<Release, 'entityRef' | 'ownerRef'>,
  entityOwnerRefs: string[],
): ReleaseResource {
  return {
    entityRefs: [release.entityRef],
    entityOwnerRefs,
    ownerRef: release.ownerRef,
  };
}

/**
 * Incidents, post-mortems, pages and releases as permission resource types,
 * with their rules, so that the permission backend can apply conditional
 * decisions to one item (`/.well-known/backstage/permissions/apply-conditions`).
 */
export function registerResourceTypes(
  registry: PermissionsRegistryService,
  resources: PermissionResources,
): void {
  registry.addResourceType({
    resourceRef: incidentResourceRef,
    rules: Object.values(incidentRules),
    getResources: refs => resources.incidents(refs),
  });
  registry.addResourceType({
    resourceRef: postmortemResourceRef,
    rules: Object.values(postmortemRules),
    getResources: refs => resources.postmortems(refs),
  });
  registry.addResourceType({
    resourceRef: pageResourceRef,
    rules: Object.values(pageRules),
    getResources: ids => resources.pages(ids),
  });
  registry.addResourceType({
    resourceRef: releaseResourceRef,
    rules: Object.values(releaseRules),
    getResources: refs => resources.releases(refs),
  });
}
