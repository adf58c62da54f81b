import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_SLACK_CHANNEL } from '@multivac/plugin-multivac-common';
import { WebClient } from '@slack/web-api';
import { slackErrorCode } from './slackErrors';

/** The team answering for an entity, as the catalog says. */
export interface OwningTeam {
  /** The entity's owner (a Group, or a User), when the catalog has it. */
  owner?: Entity;
  /**
   * Where the team hears about the entity: its own `slack.com/channel`
   * annotation, else its owner's.
   */
  channel?: string;
}

/** The owner and Slack channel of `entityRef`; nothing for an unknown entity. */
export async function owningTeam(
  deps: { catalog: CatalogService; auth: AuthService },
  entityRef: string,
): Promise<OwningTeam> {
  const credentials = await deps.auth.getOwnServiceCredentials();
  const get = (ref: string) =>
    deps.catalog.getEntityByRef(ref, { credentials });
  const entity = await get(entityRef);
  if (!entity) {
    return {};
  }
  const ownerRef = entity.relations?.find(r => r.type === 'ownedBy')?.targetRef;
  const owner = ownerRef ? await get(ownerRef) : undefined;
  const channelOf = (e?: Entity) =>
    e?.metadata.annotations?.[ANNOTATION_SLACK_CHANNEL];
  return { owner, channel: channelOf(entity) ?? channelOf(owner) };
}

/**
 * Posts in `channel` (in the thread of `threadTs`), joining it first when it
 * is a public channel the bot is not in yet; returns the message's `ts`.
 */
export async function postJoining(
  client: WebClient,
  channel: string,
  message: string | { text: string; blocks?: unknown[] },
  threadTs?: string,
): Promise<string> {
  const content = typeof message === 'string' ? { text: message } : message;
  const send = () =>
    client.chat.postMessage({
      channel,
      ...(content as { text: string }),
      ...(threadTs && { thread_ts: threadTs }),
    });
  try {
    return (await send()).ts!;
  } catch (error) {
    if (slackErrorCode(error) !== 'not_in_channel') {
      throw error;
    }
    await client.conversations.join({ channel });
    return (await send()).ts!;
  }
}
