import { AuthService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  describeZodError,
  Incident,
  shortRef,
  incidentReadPermission,
} from '@multivac/plugin-multivac-common';
import {
  MultivacWorkflow,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CommandOutcome, CommandRegistry } from '../commands/CommandRegistry';
import { escapeMrkdwn } from '../messages';
import { WorkflowHandle } from '../WorkflowHandle';
import { ChatUsers } from './ChatUsers';
import { mentionedSlackIds, mrkdwnToPlainText } from './plainText';
import { shellWording } from './shellWording';

/** Served at `/api/multivac/chat`. */
export const CHAT_PATH = '/chat';

const chatRequestSchema = z.object({
  text: z
    .string({ required_error: 'type a command, e.g. help' })
    .trim()
    .min(1, 'type a command, e.g. help')
    .max(4000),
  incident: z.string().trim().min(1).max(100).optional(),
  /** The reader's IANA zone (the shell's machine's): times are shown in it. */
  timeZone: z
    .string()
    .max(100)
    .refine(isTimeZone, zone => ({
      message: `unknown time zone ${JSON.stringify(zone)}, e.g. Europe/Berlin`,
    }))
    .optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format(0);
    return true;
  } catch {
    return false;
  }
}

export type ChatRequest = z.input<typeof chatRequestSchema>;

export interface ChatResponse {
  outcome: CommandOutcome;
  /** What the command answered, as plain text. */
  replies: string[];
  /** The incident the next commands apply to: the one sent, or one just declared. */
  incident?: Pick<Incident, 'id' | 'reference' | 'title' | 'status'>;
}

/** `GET /api/multivac/chat/me`: who the signed-in user is, to greet them. */
export interface ChatIdentity {
  userRef: string;
  /** The catalog's display name; absent when the user is not in the catalog. */
  name?: string;
}

const notInCatalog = (userRef: string) =>
  `Sorry, I cannot find you (${userRef}) in the Backstage catalog, so I cannot act for you. Ask your Backstage admins to add your User to the catalog.`;

export interface ChatRouterOptions {
  commands: CommandRegistry;
  users: ChatUsers;
  auth: AuthService;
  httpAuth: HttpAuthService;
  /** `app.baseUrl`: the portal's report form is at `/multivac/report`. */
  portalUrl: string;
}

/**
 * Runs the bot's chat commands for the signed-in Backstage user and answers
 * with what the bot would have said, as plain text: the terminal shell (and
 * anyone without Slack) talks to the bot through it.
 */
export class ChatRouter implements WorkflowClient {
  readonly id = 'chat';
  readonly router: express.Router;
  private readonly workflow = new WorkflowHandle();

  constructor(options: ChatRouterOptions) {
    this.router = this.createRouter(options);
  }

  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
  }

  private createRouter({
    commands,
    users,
    auth,
    httpAuth,
    portalUrl,
  }: ChatRouterOptions): express.Router {
    const router = Router();

    router.get(`${CHAT_PATH}/me`, async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new NotAllowedError(
          'Only a signed-in Backstage user has a name here; send a user token, not a service token',
        );
      }
      const { userEntityRef } = credentials.principal;
      const user = await users.byRef(userEntityRef);
      const identity: ChatIdentity = {
        userRef: userEntityRef,
        ...(user && { name: user.name }),
      };
      res.json(identity);
    });

    router.post(
      CHAT_PATH,
      express.json({ limit: '64kb' }),
      async (req, res) => {
        const credentials = await httpAuth.credentials(req);
        if (!auth.isPrincipal(credentials, 'user')) {
          throw new NotAllowedError(
            'The chat route runs commands as a signed-in Backstage user; send a user token, not a service token',
          );
        }
        const parsed = chatRequestSchema.safeParse(req.body ?? {});
        if (!parsed.success) {
          throw new InputError(
            `Invalid chat message: ${describeZodError(parsed.error)}`,
          );
        }
        const workflow = this.workflow.get();
        // Times in the reader's zone; UTC, named, for a client that gives none.
        const { text, timeZone = 'UTC' } = parsed.data;
        const userRef = credentials.principal.userEntityRef;
        const actor = await users.byRef(userRef);
        if (!actor) {
          const refusal: ChatResponse = {
            outcome: 'failed',
            replies: [notInCatalog(userRef)],
          };
          res.json(refusal);
          return;
        }

        let incident: Incident | undefined;
        if (parsed.data.incident) {
          if (
            !(await workflow.authorize(actor.userRef, incidentReadPermission))
          ) {
            throw new NotAllowedError(
              `You are not allowed to ${incidentReadPermission.name}`,
            );
          }
          incident = await workflow.incidents.get(parsed.data.incident);
          if (!incident) {
            throw new NotFoundError(`No incident ${parsed.data.incident}`);
          }
        }
        let entered: Incident | undefined;
        const replies: string[] = [];
        const reply = async (message: string) => {
          replies.push(message);
        };
        const outcome = await commands.run(text, {
          actor,
          incident,
          workflow,
          reply,
          findUser: handle => users.find(handle),
          openReportForm: () =>
            reply(
              `Report a problem with the form at ${portalUrl}/multivac/report`,
            ),
          enterIncident: async declared => {
            entered = declared;
          },
          wording: shellWording,
          timeZone,
          person: async ref =>
            escapeMrkdwn((await users.byRef(ref))?.name ?? shortRef(ref)),
        });
        if (outcome === 'unknown') {
          const typed = text.split(/\s+/)[0];
          const meant = commands.suggest(typed);
          await reply(
            `I don't know \`${escapeMrkdwn(typed)}\`.${
              meant ? ` Did you mean \`${meant}\`?` : ''
            } Try \`help\`.`,
          );
        }

        const current = entered ?? incident;
        // Re-read: the command may have changed its status or title.
        const now = current && (await workflow.incidents.get(current.id));
        const names = await users.namesBySlackId(
          replies.flatMap(mentionedSlackIds),
        );
        const response: ChatResponse = {
          outcome,
          replies: replies.map(message =>
            mrkdwnToPlainText(message, { names, timeZone }),
          ),
          incident: now && {
            id: now.id,
            reference: now.reference,
            title: now.title,
            status: now.status,
          },
        };
        res.json(response);
      },
    );

    return router;
  }
}
