import { WebClient } from '@slack/web-api';
import { StoredMessage } from '../database/SlackStore';

/** Posts `message` in the direct message channel of the bot and one person. */
export async function sendDirectMessage(
  client: WebClient,
  slackUserId: string,
  message: { text: string; blocks?: unknown[] },
): Promise<StoredMessage> {
  const opened = await client.conversations.open({ users: slackUserId });
  const channelId = opened.channel!.id!;
  const posted = await client.chat.postMessage({
    channel: channelId,
    ...(message as { text: string }),
  });
  return { channelId, ts: posted.ts! };
}
