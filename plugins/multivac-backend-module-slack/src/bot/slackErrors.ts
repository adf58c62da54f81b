import { isError } from '@backstage/errors';
import { ErrorCode, WebAPIPlatformError } from '@slack/web-api';

/** Whether the `WebClient` threw because Slack answered `{ ok: false }`. */
function isPlatformError(error: unknown): error is WebAPIPlatformError {
  return (
    isError(error) &&
    (error as { code?: unknown }).code === ErrorCode.PlatformError
  );
}

/**
 * Slack's error code (`name_taken`, `missing_scope`, ...) of a call Slack
 * refused; undefined for other failures (rate limits, HTTP, the network).
 */
export function slackErrorCode(error: unknown): string | undefined {
  return isPlatformError(error) ? error.data.error : undefined;
}

/** A Slack refusal that retrying cannot fix: a person must change something. */
export interface SlackProblem {
  /** Slack's error code, e.g. `missing_scope`. */
  code: string;
  /** The scope Slack asked for, with `missing_scope`. */
  neededScope?: string;
  /** What Slack said, in words: "the app lacks the `pins:write` scope". */
  says: string;
  /** What to do about it, as an instruction. */
  fix: string;
}

const NEW_TOKEN =
  'Reinstall the app in the workspace and set its Bot User OAuth Token as `multivac.slack.botToken`';

const PROBLEMS: Record<string, Omit<SlackProblem, 'code'>> = {
  not_in_channel: {
    says: 'the app is not a member of the channel',
    fix: 'Invite the app to the channel (`/invite @` and its name)',
  },
  channel_not_found: {
    says: 'the channel does not exist or the app cannot see it',
    fix: 'Check the channel id (`multivac.slack.triageChannel`, or the `slack.com/channel` annotation of the service or its team) and invite the app if the channel is private',
  },
  is_archived: {
    says: 'the channel is archived',
    fix: 'Unarchive the channel, or configure another one',
  },
  restricted_action: {
    says: 'a workspace setting does not let the app do that',
    fix: 'Ask a Slack admin to allow it (for example who may create channels), or do it by hand',
  },
  invalid_auth: { says: 'the bot token is not valid', fix: NEW_TOKEN },
  not_authed: { says: 'no bot token was sent', fix: NEW_TOKEN },
  token_revoked: { says: 'the bot token was revoked', fix: NEW_TOKEN },
  account_inactive: {
    says: 'the bot token belongs to an app that was uninstalled or a deactivated user',
    fix: NEW_TOKEN,
  },
};

/**
 * What a person must fix when Slack refused a call for good; undefined when
 * a retry may succeed by itself (rate limits, Slack's own errors, the
 * network), or the failure is not Slack's.
 */
export function slackProblem(error: unknown): SlackProblem | undefined {
  if (!isPlatformError(error)) {
    return undefined;
  }
  const code = error.data.error;
  if (code === 'missing_scope') {
    // Slack names the scope it wanted in `needed`.
    const { needed } = error.data as { needed?: unknown };
    const scope = typeof needed === 'string' ? needed : undefined;
    return {
      code,
      neededScope: scope,
      says: scope
        ? `the app lacks the \`${scope}\` scope`
        : 'the app lacks a scope',
      fix: `Add it in the app's OAuth settings (OAuth & Permissions, Bot Token Scopes) and reinstall the app`,
    };
  }
  return Object.hasOwn(PROBLEMS, code)
    ? { code, ...PROBLEMS[code] }
    : undefined;
}

/** A failed Slack call in words, with what to fix when a person must. */
export function describeSlackError(error: unknown): string {
  const problem = slackProblem(error);
  if (problem) {
    return `Slack says ${problem.says}. ${problem.fix}.`;
  }
  const code = slackErrorCode(error);
  return code
    ? `Slack answered \`${code}\``
    : String((error as Error)?.message ?? error);
}
