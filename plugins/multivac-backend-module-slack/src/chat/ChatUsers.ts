import { AuthService } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
  UserEntity,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SLACK_USER_ID,
  displayNameOf,
} from '@multivac/plugin-multivac-common';
import { CatalogUser } from '../users/SlackUsers';

function toCatalogUser(user: UserEntity): CatalogUser {
  return {
    userRef: stringifyEntityRef(user),
    name: displayNameOf(user),
  };
}

function userRefOf(handle: string): CompoundEntityRef | undefined {
  try {
    const ref = parseEntityRef(handle, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
    return ref.kind.toLocaleLowerCase('en-US') === 'user' ? ref : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Catalog users for people who are signed in to Backstage (the chat route),
 * and for the handles they type: `@ada`, `ada`, `user:default/ada` or an
 * email.
 */
export class ChatUsers {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async byRef(
    userRef: string | CompoundEntityRef,
  ): Promise<CatalogUser | undefined> {
    const entity = await this.catalog.getEntityByRef(userRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    return entity?.kind.toLocaleLowerCase('en-US') === 'user'
      ? toCatalogUser(entity as UserEntity)
      : undefined;
  }

  async find(handle: string): Promise<CatalogUser | undefined> {
    const name = handle.trim().replace(/^@/, '');
    if (name.includes('@')) {
      return this.findOne({ 'spec.profile.email': name });
    }
    const ref = name && userRefOf(name);
    return ref ? this.byRef(ref) : undefined;
  }

  /** Names of the catalog users with these Slack ids, by Slack id. */
  async namesBySlackId(slackIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of slackIds) {
      const user = await this.findOne({
        [`metadata.annotations.${ANNOTATION_SLACK_USER_ID}`]: id,
      });
      if (user) {
        names.set(id, user.name);
      }
    }
    return names;
  }

  private async findOne(
    filter: Record<string, string>,
  ): Promise<CatalogUser | undefined> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'User', ...filter }, limit: 1 },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items[0] && toCatalogUser(items[0] as UserEntity);
  }
}
