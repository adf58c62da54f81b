/** Slack's error code (`name_taken`, `missing_scope`, ...) of a failed call. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } })?.data?.error;
}

/** What to tell a user when a Slack call failed, with what to fix. */
export function describeSlackError(error: unknown): string {
  const data = (error as { data?: { error?: string; needed?: string } })?.data;
  if (!data?.error) {
    return String((error as Error)?.message ?? error);
  }
  switch (data.error) {
    case 'missing_scope':
      return `the Slack app lacks the \`${data.needed}\` scope: add it under OAuth & Permissions and reinstall the app`;
    case 'channel_not_found':
      return 'the channel does not exist or the bot cannot see it: invite the bot, or check the channel id in the configuration';
    case 'not_in_channel':
      return 'the bot is not in that channel: invite it';
    default:
      return `Slack answered \`${data.error}\``;
  }
}
