import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, UserEntity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SLACK_USER_ID,
  displayNameOf,
} from '@multivac/plugin-multivac-common';
import { WebClient } from '@slack/web-api';
import { slackErrorCode } from '../bot/slackErrors';

export interface CatalogUser {
  userRef: string;
  name: string;
}

/**
 * Maps Slack users to catalog users and back: by the User's
 * `slack.com/user-id` annotation, else by email (`users.info` one way,
 * `users.lookupByEmail` the other). Answers are kept for the process's life;
 * a user who is not found is looked up again next time.
 */
export class SlackUsers {
  private readonly toCatalog = new Map<string, CatalogUser>();
  private readonly toSlack = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async catalogUser(slackId: string): Promise<CatalogUser | undefined> {
    const known = this.toCatalog.get(slackId);
    if (known) {
      return known;
    }
    let user = await this.findUser({
      [`metadata.annotations.${ANNOTATION_SLACK_USER_ID}`]: slackId,
    });
    if (!user) {
      const info = await this.client.users.info({ user: slackId });
      const email = info.user?.profile?.email;
      user = email
        ? await this.findUser({ 'spec.profile.email': email })
        : undefined;
    }
    if (!user) {
      return undefined;
    }
    const found = {
      userRef: stringifyEntityRef(user),
      name: displayNameOf(user),
    };
    this.toCatalog.set(slackId, found);
    this.toSlack.set(found.userRef, slackId);
    return found;
  }

  async slackId(userRef: string): Promise<string | undefined> {
    const known = this.toSlack.get(userRef);
    if (known) {
      return known;
    }
    const user = (await this.catalog.getEntityByRef(userRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    })) as UserEntity | undefined;
    let slackId = user?.metadata.annotations?.[ANNOTATION_SLACK_USER_ID];
    const email = user?.spec?.profile?.email;
    if (!slackId && email) {
      try {
        slackId = (await this.client.users.lookupByEmail({ email })).user?.id;
      } catch (error) {
        // Nobody in the workspace has that email.
        if (slackErrorCode(error) !== 'users_not_found') {
          throw error;
        }
      }
    }
    if (slackId) {
      this.toSlack.set(userRef, slackId);
    }
    return slackId;
  }

  /** Slack ids of those refs that have one, keyed by ref. */
  async slackIds(userRefs: string[]): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (const ref of new Set(userRefs)) {
      if (ref.startsWith('user:')) {
        const id = await this.slackId(ref);
        if (id) {
          ids[ref] = id;
        }
      }
    }
    return ids;
  }

  private async findUser(
    filter: Record<string, string>,
  ): Promise<UserEntity | undefined> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'User', ...filter } },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items[0] as UserEntity | undefined;
  }
}
