import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OnCallAnswer } from '@multivac/plugin-multivac-common';
import {
  OnCallProvider,
  ownerAndSystemRefs,
} from '@multivac/plugin-multivac-node';

/**
 * Answers "who is on call for this entity": the entity's own annotation, else
 * its owner Group's, else its System's; the first provider that handles the
 * annotated entity answers.
 */
export class OnCallService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly providers: OnCallProvider[],
  ) {}

  async whoIsOnCall(
    entityRef: string,
    credentials: BackstageCredentials,
    at: Date = new Date(),
  ): Promise<OnCallAnswer> {
    return (await this.resolve(entityRef, credentials, at)).answer;
  }

  provider(id: string): OnCallProvider | undefined {
    return this.providers.find(p => p.id === id);
  }

  /** In the order they are asked. */
  allProviders(): readonly OnCallProvider[] {
    return this.providers;
  }

  /** The answer, plus the provider and the annotated entity that gave it. */
  async resolve(
    entityRef: string,
    credentials: BackstageCredentials,
    at: Date = new Date(),
  ): Promise<{
    answer: OnCallAnswer;
    provider: OnCallProvider;
    annotated: Entity;
  }> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No catalog entity ${entityRef}`);
    }
    const candidates = [entity, ...(await this.ownerAndSystem(entity))];
    for (const candidate of candidates) {
      const provider = this.providers.find(p => p.handles(candidate));
      if (provider) {
        const answer = await provider.getOnCall(candidate, at);
        return {
          answer: {
            ...answer,
            entityRef: stringifyEntityRef(entity),
            resolvedFrom: stringifyEntityRef(candidate),
          },
          provider,
          annotated: candidate,
        };
      }
    }
    throw new NotFoundError(
      `Nobody is on call for ${stringifyEntityRef(entity)}: none of ` +
        `${candidates
          .map(c => stringifyEntityRef(c))
          .join(', ')} has an on-call ` +
        `annotation (multivac.io/oncall-schedule or pagerduty.com/service-id)`,
    );
  }

  /** Owner Group(s), then System, as catalog entities. */
  private async ownerAndSystem(entity: Entity): Promise<Entity[]> {
    const refs = ownerAndSystemRefs(entity);
    if (refs.length === 0) {
      return [];
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items.filter((e): e is Entity => Boolean(e));
  }
}
