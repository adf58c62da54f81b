import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { Logger, LogLevel, SocketModeClient } from '@slack/socket-mode';
import {
  IgnoredDelivery,
  receiveDelivery,
  toCommandDelivery,
  toEventDelivery,
  toInteractionDelivery,
} from './deliveries';
import { SlackAck, SlackDelivery, SlackInbox } from './types';

/** What the Socket Mode client emits as `slack_event` for each envelope. */
export interface SocketModeEnvelope {
  /** `slash_commands`, `interactive` or `events_api`. */
  type: string;
  /** What Slack would have POSTed: command fields, payload, event envelope. */
  body: unknown;
  /** Sends the acknowledgement; its payload answers commands and views. */
  ack(response: SlackAck): Promise<void>;
  /** 0 on the first delivery. */
  retry_num?: number;
  retry_reason?: string;
}

/** The part of `SocketModeClient` this module listens to. */
export interface SocketModeEvents {
  on(
    event: 'slack_event',
    listener: (envelope: SocketModeEnvelope) => void,
  ): unknown;
}

/** A Socket Mode client for the app-level token, logging through Backstage. */
export function createSocketModeClient(options: {
  appToken: string;
  apiUrl: string;
  logger: LoggerService;
}): SocketModeClient {
  return new SocketModeClient({
    appToken: options.appToken,
    logger: slackLoggerOf(options.logger),
    clientOptions: { slackApiUrl: options.apiUrl },
  });
}

/**
 * Hands what arrives over Socket Mode to the inbox, as the HTTP routes do,
 * and acknowledges it with the inbox's ack. What the inbox fails to record
 * is not acknowledged, so that Slack redelivers it (events) or tells the
 * user (commands, interactions); malformed envelopes are acknowledged, as
 * redelivering them would not mend them.
 */
export function listenToSocketMode(options: {
  client: SocketModeEvents;
  inbox: SlackInbox;
  logger: LoggerService;
}): void {
  const { client, inbox, logger } = options;

  async function handle(envelope: SocketModeEnvelope) {
    let ack: SlackAck;
    try {
      ack = await receiveDelivery(inbox, logger, toDelivery(envelope));
    } catch (error) {
      if (!isError(error) || error.name !== 'InputError') {
        logger.error(
          `Slack ${envelope.type} over Socket Mode not recorded, not acknowledged: ${error}`,
        );
        return;
      }
      logger.warn(`Slack ${envelope.type} over Socket Mode: ${error.message}`);
    }
    await envelope.ack(ack);
  }

  client.on('slack_event', envelope => {
    handle(envelope).catch(error =>
      logger.error(`Slack Socket Mode acknowledgement failed: ${error}`),
    );
  });
}

function toDelivery(
  envelope: SocketModeEnvelope,
): SlackDelivery | IgnoredDelivery {
  switch (envelope.type) {
    case 'slash_commands':
      return toCommandDelivery(envelope.body);
    case 'interactive':
      return toInteractionDelivery(envelope.body);
    case 'events_api':
      // Over HTTP, first deliveries carry no retry headers at all.
      return toEventDelivery(envelope.body, {
        retryNum: envelope.retry_num || undefined,
        retryReason: envelope.retry_reason || undefined,
      });
    default:
      return { ignored: `Socket Mode ${envelope.type}` };
  }
}

/**
 * The Slack client's logger on Backstage's. Its debug lines, which hold
 * whole payloads, are left out.
 */
function slackLoggerOf(logger: LoggerService): Logger {
  const line = (parts: unknown[]) => parts.map(String).join(' ');
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: (...parts) => logger.info(line(parts)),
    warn: (...parts) => logger.warn(line(parts)),
    error: (...parts) => logger.error(line(parts)),
    getLevel: () => LogLevel.INFO,
    setLevel: ignore,
    setName: ignore,
  };
}
