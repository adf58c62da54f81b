import {
  SIGNATURE_HEADER,
  slackSignatureOf,
  TIMESTAMP_HEADER,
} from '../verification/verifySlackRequest';

/**
 * The headers Slack would send with `body` signed with `signingSecret` at
 * `timestamp` (Unix seconds, default now).
 */
export function signSlackRequest(
  signingSecret: string,
  body: Buffer | string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<typeof SIGNATURE_HEADER | typeof TIMESTAMP_HEADER, string> {
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: slackSignatureOf(
      signingSecret,
      String(timestamp),
      body,
    ),
  };
}
