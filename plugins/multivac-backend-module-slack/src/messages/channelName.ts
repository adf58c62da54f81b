/** Slack rejects longer channel names. */
const CHANNEL_NAME_MAX = 80;

/**
 * `inc-7-checkout-fails`: Slack channel names are lowercase letters, digits
 * and dashes. `attempt` > 1 adds a suffix for when the name is taken.
 */
export function incidentChannelName(
  number: number,
  title: string,
  attempt = 1,
): string {
  const prefix = `inc-${number}`;
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const room = CHANNEL_NAME_MAX - prefix.length - suffix.length - 1;
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, Math.max(0, room))
    .replace(/-$/, '');
  return `${prefix}${slug ? `-${slug}` : ''}${suffix}`;
}
