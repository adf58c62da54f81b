import { WebClient } from '@slack/web-api';
import { SlackStore, StoredMessage } from '../database/SlackStore';
import { SlackMessage } from '../messages';

/**
 * Keeps the message the bot posted under `key` current: updates it when it
 * was posted, else posts it with `post` and remembers where. Returns false
 * when it was not posted and there is no `post`.
 */
export async function postOrUpdate(
  deps: { client: WebClient; store: SlackStore },
  key: string,
  message: SlackMessage,
  post?: () => Promise<StoredMessage>,
): Promise<boolean> {
  const { client, store } = deps;
  const posted = await store.getMessage(key);
  if (posted) {
    await client.chat.update({
      channel: posted.channelId,
      ts: posted.ts,
      ...message,
    });
    return true;
  }
  if (!post) {
    return false;
  }
  await store.saveMessage(key, await post());
  return true;
}
