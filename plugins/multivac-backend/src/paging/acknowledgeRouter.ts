import { ConflictError, isError, NotFoundError } from '@backstage/errors';
import { PageRecord } from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PagingService } from '../oncall/PagingService';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { parseInput } from '../service/validation';
import {
  ACKNOWLEDGE_PATH,
  AcknowledgeClaims,
  AcknowledgeLinks,
  MAX_TOKEN_LENGTH,
} from './AcknowledgeLinks';
import { alreadyHandled, namesOf, personName } from './readable';
import { escapeHtml, pageFacts, userRefsInDetails } from './pageFacts';

const tokenInput = z
  .object({ token: z.string().min(1).max(MAX_TOKEN_LENGTH) })
  .strict();

const STATUS_OF: Record<string, number> = {
  InputError: 400,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

/**
 * The signed acknowledge links of paging emails and webhooks, served
 * without a Backstage sign-in (the link's signature is checked instead):
 * GET shows the page and a confirmation button, POST acknowledges it as the
 * person the link was sent to. Acknowledging takes the POST because mail
 * scanners open every link in a message.
 */
export function createAcknowledgeRouter(options: {
  links: AcknowledgeLinks;
  paging: PagingService;
  /** Names who acknowledged by display name; without it, the short name. */
  people?: Pick<PeopleDirectory, 'lookup'>;
}): express.Router {
  const { links, paging, people } = options;
  /** A person as people read them: display name, never a ref. */
  const nameOf = (ref: string) => personName(people, ref);
  const router = Router();
  router.use(ACKNOWLEDGE_PATH, (_req, res, next) => {
    // The answers hold a token and the page's details.
    res.set('cache-control', 'no-store');
    next();
  });

  const verified = async (
    input: unknown,
  ): Promise<{
    claims: AcknowledgeClaims;
    page: PageRecord;
    token: string;
  }> => {
    const { token } = parseInput(tokenInput, input, 'link');
    const claims = links.verify(token);
    const page = await paging.get(claims.pageId);
    if (!page) {
      throw new NotFoundError('The page of this link no longer exists');
    }
    return { claims, page, token };
  };

  router.get(ACKNOWLEDGE_PATH, async (req, res) => {
    try {
      const { page, token } = await verified(req.query);
      if (page.status !== 'triggered') {
        throw new ConflictError(await alreadyHandled(page, people));
      }
      res.send(
        html(
          'Acknowledge this page?',
          `${factsTable(page, await namesOf(people, userRefsInDetails(page)))}
<form method="post">
  <input type="hidden" name="token" value="${escapeHtml(token)}">
  <button type="submit">Acknowledge</button>
</form>`,
        ),
      );
    } catch (error) {
      sendError(res, error);
    }
  });

  router.post(
    ACKNOWLEDGE_PATH,
    express.urlencoded({ extended: false, limit: '8kb' }),
    async (req, res) => {
      try {
        const { claims, page } = await verified(req.body);
        if (page.status !== 'triggered') {
          throw new ConflictError(await alreadyHandled(page, people));
        }
        const acknowledged = await paging.acknowledge(page.id, claims.userRef);
        res.send(
          html(
            'Page acknowledged',
            `<p>${escapeHtml(acknowledged.summary)}</p>
<p>Acknowledged by ${escapeHtml(
              await nameOf(acknowledged.acknowledgedBy ?? claims.userRef),
            )}. Escalation has stopped.</p>`,
          ),
        );
      } catch (error) {
        sendError(res, error);
      }
    },
  );

  return router;
}

function factsTable(page: PageRecord, nameOf: (ref: string) => string): string {
  return `<h2>${escapeHtml(page.summary)}</h2>
<table>${pageFacts(page, nameOf)
    .map(
      f =>
        `<tr><th align="left" valign="top">${escapeHtml(
          f.label,
        )}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('')}</table>`;
}

function html(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${escapeHtml(
    title,
  )} · Multivac</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

/** Known refusals as a page saying what is wrong; the rest to the error handler. */
function sendError(res: express.Response, error: unknown) {
  const status = isError(error) ? STATUS_OF[error.name] : undefined;
  if (!status || !isError(error)) {
    throw error;
  }
  res
    .status(status)
    .send(
      html(
        status === 409 ? 'Nothing to acknowledge' : 'Cannot acknowledge',
        `<p>${escapeHtml(error.message)}</p>`,
      ),
    );
}
