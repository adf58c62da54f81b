import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { CatalogUser, SlackUsers } from '../users/SlackUsers';
import { Audience, SlackAnswers } from './SlackAnswers';
import { describeSlackError } from './slackErrors';

const NOT_IN_CATALOG =
  'Sorry, I cannot find you in the Backstage catalog (by your Slack id or email), so I cannot act for you. Ask your Backstage admins to add your email or the slack.com/user-id annotation to your User.';

/**
 * The catalog user behind a Slack user; else why there is none, in words
 * for them, and whether that is because the look-up failed (the catalog or
 * Slack did not answer) rather than because the catalog has nobody.
 */
export type SlackActor =
  | { actor: CatalogUser }
  | {
      actor?: undefined;
      refusal: string;
      failed: boolean;
      /** Refused as a guest, an outsider, or from another workspace. */
      untrusted?: boolean;
    };

/**
 * Who acts for a Slack user, and with which permissions: the bot acts as
 * the catalog user behind them, and tells them when it cannot.
 */
export class SlackActors {
  constructor(
    private readonly deps: {
      users: SlackUsers;
      answers: SlackAnswers;
      logger: LoggerService;
    },
  ) {}

  /** Never throws: a failed look-up is a refusal that says what failed. */
  async lookup(audience: Audience): Promise<SlackActor> {
    const { slackUserId, workspace } = audience;
    try {
      const identity = await this.deps.users.identify(slackUserId, workspace);
      if (identity?.refusal) {
        this.deps.logger.info(
          `Not acting for Slack user ${slackUserId}: ${identity.refusal}`,
        );
        return { refusal: identity.refusal, failed: false, untrusted: true };
      }
      return identity?.user
        ? { actor: identity.user }
        : { refusal: NOT_IN_CATALOG, failed: false };
    } catch (error) {
      const reason = describeSlackError(error);
      this.deps.logger.warn(
        `Could not find the catalog user of Slack user ${slackUserId}: ${reason}`,
      );
      return {
        refusal: `Sorry, I could not find out who you are in Backstage (${reason}), so I did nothing. Try again in a moment.`,
        failed: true,
      };
    }
  }

  /** The catalog user acting for `audience`; else they are told why not. */
  async actorFor(audience: Audience): Promise<CatalogUser | undefined> {
    const found = await this.lookup(audience);
    if (!found.actor) {
      await this.deps.answers.tell(audience, found.refusal);
    }
    return found.actor;
  }

  /**
   * Runs `action` when the policy allows `actor` the permission (each of
   * them, when several); tells them when it does not, or when the action
   * fails. True when the action ran and succeeded.
   */
  async actAs(
    workflow: MultivacWorkflow,
    actor: CatalogUser,
    permission: BasicPermission | BasicPermission[],
    audience: Audience,
    action: () => Promise<unknown>,
  ): Promise<boolean> {
    const { answers } = this.deps;
    for (const needed of [permission].flat()) {
      if (!(await workflow.authorize(actor.userRef, needed))) {
        await answers.tell(
          audience,
          `Sorry, you are not allowed to ${needed.name}.`,
        );
        return false;
      }
    }
    try {
      await action();
      return true;
    } catch (error) {
      await answers.tell(
        audience,
        `Sorry, that did not work: ${
          isError(error) ? error.message : String(error)
        }`,
      );
      return false;
    }
  }
}
