import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, UserEntity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SLACK_USER_ID,
  displayNameOf,
} from '@multivac/plugin-multivac-common';
import { WebClient } from '@slack/web-api';
import { slackErrorCode } from '../bot/slackErrors';
import { SlackIdentityConfig } from '../config';
import { ExpiringCache } from './ExpiringCache';

export interface CatalogUser {
  userRef: string;
  name: string;
}

/** The Slack workspace (team) and Enterprise Grid organisation of something. */
export interface SlackWorkspace {
  teamId?: string;
  enterpriseId?: string;
}

/** A Slack user the bot acts for; else why not, in words for them. */
export type SlackIdentity =
  | { user: CatalogUser; refusal?: undefined }
  | { user?: undefined; refusal: string };

export const OTHER_WORKSPACE =
  'Sorry, this came from another Slack workspace than the one I belong to, so I did nothing.';
export const GUEST =
  'Sorry, I act only for full members of this Slack workspace, and you are a guest here, so I did nothing.';
export const EXTERNAL =
  'Sorry, I act only for members of this Slack workspace, and you are from another organisation (Slack Connect), so I did nothing.';
export const UNCONFIRMED_EMAIL =
  'Sorry, your email address in Slack is not confirmed, so I cannot match you to your Backstage user and did nothing. Confirm it in Slack, or ask your Backstage admins to add the slack.com/user-id annotation to your User.';

/** The fields of `users.info` and `users.lookupByEmail` that decide trust. */
interface SlackUserInfo {
  team_id?: string;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  is_email_confirmed?: boolean;
  enterprise_user?: { enterprise_id?: string };
  profile?: { email?: string };
}

/**
 * Whether `other` is the app's workspace: the same team, or the same
 * Enterprise Grid organisation when the app is installed in one. Unknown
 * (neither id given) is not the same.
 */
function isSameWorkspace(app: SlackWorkspace, other: SlackWorkspace): boolean {
  if (app.enterpriseId && other.enterpriseId) {
    return app.enterpriseId === other.enterpriseId;
  }
  return !!other.teamId && other.teamId === app.teamId;
}

/**
 * Maps Slack users to catalog users and back: by the User's
 * `slack.com/user-id` annotation, else (unless `mapping` is `annotation`)
 * by their confirmed email (`users.info` one way, `users.lookupByEmail` the
 * other). Only full members of the app's own workspace (or Enterprise Grid
 * organisation) are mapped: guests, Slack Connect externals and requests
 * from another workspace are refused. Answers are cached for a bounded time
 * and number; a user who is not found is looked up again next time.
 */
export class SlackUsers {
  private readonly toCatalog: ExpiringCache<CatalogUser>;
  private readonly toSlack: ExpiringCache<string>;
  private appWorkspace?: Promise<SlackWorkspace>;

  constructor(
    private readonly client: WebClient,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly config: SlackIdentityConfig = {
      mapping: 'email',
      cacheTtlSeconds: 300,
      cacheSize: 1000,
    },
  ) {
    const cache = {
      ttlMs: config.cacheTtlSeconds * 1000,
      maxEntries: config.cacheSize,
    };
    this.toCatalog = new ExpiringCache(cache);
    this.toSlack = new ExpiringCache(cache);
  }

  /**
   * The catalog user behind a Slack user acting from `workspace` (the
   * request's `team_id` and `enterprise_id`, when it has them); else the
   * refusal to tell them. Undefined: the catalog has nobody for them.
   */
  async identify(
    slackId: string,
    workspace: SlackWorkspace = {},
  ): Promise<SlackIdentity | undefined> {
    const app = await this.workspace();
    if (
      (workspace.teamId || workspace.enterpriseId) &&
      !isSameWorkspace(app, workspace)
    ) {
      return { refusal: OTHER_WORKSPACE };
    }
    const known = this.toCatalog.get(slackId);
    if (known) {
      return { user: known };
    }
    const { user: info } = await this.client.users.info({ user: slackId });
    const untrusted = info && this.untrusted(info, app);
    if (!info || untrusted) {
      return untrusted ? { refusal: untrusted } : undefined;
    }
    let user = await this.findUser({
      [`metadata.annotations.${ANNOTATION_SLACK_USER_ID}`]: slackId,
    });
    const email = info.profile?.email;
    if (!user && this.config.mapping === 'email' && email) {
      if (!info.is_email_confirmed) {
        return { refusal: UNCONFIRMED_EMAIL };
      }
      user = await this.findUser({ 'spec.profile.email': email });
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
    return { user: found };
  }

  /** The catalog user behind a Slack user (e.g. one mentioned), if trusted. */
  async catalogUser(slackId: string): Promise<CatalogUser | undefined> {
    return (await this.identify(slackId))?.user;
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
    if (!slackId && email && this.config.mapping === 'email') {
      slackId = await this.memberWithEmail(email);
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

  /**
   * Display names of the catalog users and groups among `refs` (a User's
   * `spec.profile.displayName`, else its title or name), keyed by ref; refs
   * the catalog does not have, and service actors, are left out.
   */
  async displayNames(refs: string[]): Promise<Record<string, string>> {
    const wanted = [
      ...new Set(refs.filter(ref => /^(user|group):/i.test(ref ?? ''))),
    ];
    const names: Record<string, string> = {};
    if (wanted.length === 0) {
      return names;
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs: wanted,
        fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    wanted.forEach((ref, i) => {
      if (items[i]) {
        names[ref] = displayNameOf(items[i]);
      }
    });
    return names;
  }

  /** The member of the app's workspace with that confirmed email, if any. */
  private async memberWithEmail(email: string): Promise<string | undefined> {
    try {
      const { user } = await this.client.users.lookupByEmail({ email });
      const app = await this.workspace();
      return user && !this.untrusted(user, app) && user.is_email_confirmed
        ? user.id
        : undefined;
    } catch (error) {
      // Nobody in the workspace has that email.
      if (slackErrorCode(error) !== 'users_not_found') {
        throw error;
      }
      return undefined;
    }
  }

  /** Why the bot does not act for this Slack user; undefined when it may. */
  private untrusted(
    info: SlackUserInfo,
    app: SlackWorkspace,
  ): string | undefined {
    if (info.is_restricted || info.is_ultra_restricted) {
      return GUEST;
    }
    const home = {
      teamId: info.team_id,
      enterpriseId: info.enterprise_user?.enterprise_id,
    };
    if (info.is_stranger || !isSameWorkspace(app, home)) {
      return EXTERNAL;
    }
    return undefined;
  }

  /** The app's own workspace: configured, else asked of Slack once. */
  private workspace(): Promise<SlackWorkspace> {
    const { teamId, enterpriseId } = this.config;
    if (teamId || enterpriseId) {
      return Promise.resolve({ teamId, enterpriseId });
    }
    this.appWorkspace ??= this.client.auth.test().then(
      answer => ({
        teamId: answer.team_id,
        enterpriseId: answer.enterprise_id || undefined,
      }),
      error => {
        this.appWorkspace = undefined;
        throw error;
      },
    );
    return this.appWorkspace;
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
