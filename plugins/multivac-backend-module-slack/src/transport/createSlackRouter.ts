import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySlackRequest,
} from '../verification/verifySlackRequest';
import {
  IgnoredDelivery,
  receiveDelivery,
  toCommandDelivery,
  toEventDelivery,
  toInteractionDelivery,
} from './deliveries';
import { SlackDelivery, SlackInbox } from './types';

/** Served at `/api/multivac/slack/{commands,interactivity,events}`. */
export const SLACK_PATH = '/slack';

/**
 * The Request URLs of the Slack app: slash commands, interactivity and the
 * Events API. Every request must be signed with the app's signing secret
 * (401 otherwise) and well-formed (400 otherwise); it is then handed to the
 * inbox, whose acknowledgement is the answer.
 */
export function createSlackRouter(options: {
  signingSecret: string;
  inbox: SlackInbox;
  logger: LoggerService;
  /** Milliseconds since the epoch, to check signature timestamps. */
  now?: () => number;
}): express.Router {
  const { signingSecret, inbox, logger, now } = options;
  const router = Router();

  // Bodies are read raw on these routes only: the signature is over the
  // exact bytes Slack sent, and the plugin's other routes parse JSON.
  const signed = [
    express.raw({ type: '*/*', limit: '1mb' }),
    (req: Request, _res: Response, next: () => void) => {
      verifySlackRequest({
        signingSecret,
        body: rawBody(req),
        timestamp: req.get(TIMESTAMP_HEADER),
        signature: req.get(SIGNATURE_HEADER),
        now,
      });
      next();
    },
  ];

  async function deliver(
    res: Response,
    delivery: SlackDelivery | IgnoredDelivery,
  ) {
    const ack = await receiveDelivery(inbox, logger, delivery);
    if (ack === undefined) {
      res.status(200).end();
    } else {
      res.json(ack);
    }
  }

  router.post(`${SLACK_PATH}/commands`, ...signed, async (req, res) => {
    const fields = Object.fromEntries(formOf(req));
    await deliver(res, toCommandDelivery(fields));
  });

  router.post(`${SLACK_PATH}/interactivity`, ...signed, async (req, res) => {
    const payload = formOf(req).get('payload');
    if (payload === null) {
      throw new InputError('Slack interaction has no payload form field');
    }
    await deliver(
      res,
      toInteractionDelivery(parseJson(payload, 'Slack interaction payload')),
    );
  });

  router.post(`${SLACK_PATH}/events`, ...signed, async (req, res) => {
    const body = parseJson(rawBody(req).toString('utf8'), 'Slack event body');
    if (isUrlVerification(body)) {
      // Slack checks the Request URL by asking for its challenge back.
      res.json({ challenge: body.challenge });
      return;
    }
    await deliver(res, toEventDelivery(body, retryOf(req)));
  });

  return router;
}

function rawBody(req: Request): Buffer {
  // Without a body express.raw leaves no Buffer: nothing was signed then.
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function formOf(req: Request): URLSearchParams {
  return new URLSearchParams(rawBody(req).toString('utf8'));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${what} is not JSON`);
  }
}

function isUrlVerification(
  body: unknown,
): body is { type: 'url_verification'; challenge: string } {
  const candidate = body as { type?: unknown; challenge?: unknown } | null;
  if (candidate?.type !== 'url_verification') {
    return false;
  }
  if (typeof candidate.challenge !== 'string') {
    throw new InputError('Slack url_verification has no challenge');
  }
  return true;
}

/** Slack numbers its retries of an event in headers. */
function retryOf(req: Request) {
  const header = req.get('X-Slack-Retry-Num');
  const retryNum = header === undefined ? undefined : Number(header);
  if (retryNum !== undefined && !(Number.isInteger(retryNum) && retryNum > 0)) {
    throw new InputError(
      `X-Slack-Retry-Num must be a positive integer, got ${header}`,
    );
  }
  return { retryNum, retryReason: req.get('X-Slack-Retry-Reason') };
}
