import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ReleaseConflict } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { PortalUrls } from '../service/PortalUrls';

/** What the action needs: it calls Multivac's REST API as the template's user. */
export interface BookReleaseActionOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  /** Links to the release in the portal. */
  portalUrls: PortalUrls;
}

/** `start` plus `durationMinutes`, when the step gives a duration rather than an end. */
function endOf(input: {
  start: string;
  end?: string;
  durationMinutes?: number;
}): string {
  if (input.end !== undefined && input.durationMinutes !== undefined) {
    throw new InputError('give end or durationMinutes, not both');
  }
  if (input.end !== undefined) {
    return input.end;
  }
  if (input.durationMinutes === undefined) {
    throw new InputError('give end or durationMinutes');
  }
  if (!(input.durationMinutes > 0)) {
    throw new InputError('durationMinutes: must be positive');
  }
  const start = DateTime.fromISO(input.start, { setZone: true });
  if (!start.isValid) {
    // The route names the field.
    return input.start;
  }
  return start
    .plus({ minutes: input.durationMinutes })
    .toUTC()
    .toISO({ suppressMilliseconds: true })!;
}

/**
 * `multivac:release:book`: books a release window in Multivac's release
 * calendar, as the user who runs the template (a token on their behalf
 * from `ctx.getInitiatorCredentials()`), through `POST
 * /api/multivac/releases`: the route's validation, permission
 * (`multivac.release.create`) and conflict rules apply unchanged. A
 * blocking conflict fails the step with the route's message, which names
 * each conflict (`1 conflict blocks releasing into production:
 * payments-api depends on ledger-service, ...`). In a dry run it only
 * checks the window (`POST /releases/check`) and fails the same way.
 */
export function createBookReleaseAction(options: BookReleaseActionOptions) {
  const { auth, discovery, portalUrls } = options;

  async function call(
    path: string,
    body: object,
    credentials: Parameters<
      AuthService['getPluginRequestToken']
    >[0]['onBehalfOf'],
  ) {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'multivac',
    });
    const response = await fetch(
      `${await discovery.getBaseUrl('multivac')}${path}`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      },
    );
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  function refused(status: number, json: any, text: string): Error {
    const message = json?.error?.message ?? (text || 'no message');
    return new Error(
      `Multivac refused the release booking (HTTP ${status}): ${message}`,
    );
  }

  return createTemplateAction({
    id: 'multivac:release:book',
    description:
      "Books a release window in Multivac's release calendar as the template's user; fails when a blocking conflict (a dependency's release, a freeze, an active incident) is in the way. Needs multivac.release.create.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Book 30 minutes for payments-api v2.4.1 in production',
        example: [
          'steps:',
          '  - id: book',
          '    action: multivac:release:book',
          '    input:',
          '      entityRef: component:default/payments-api',
          '      title: v2.4.1',
          '      environment: production',
          "      start: '2026-11-24T14:00:00Z'",
          '      durationMinutes: 30',
          '      links:',
          '        - { kind: ci, url: https://ci.example.com/runs/7 }',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        entityRef: z =>
          z.string({ description: 'The released catalog entity' }),
        title: z => z.string({ description: 'The version or a title' }),
        environment: z =>
          z.string({
            description: 'e.g. production (multivac.releases.environments)',
          }),
        start: z => z.string({ description: 'ISO 8601 time with a zone' }),
        end: z =>
          z.string({ description: 'ISO 8601 time with a zone' }).optional(),
        durationMinutes: z =>
          z.number({ description: 'Instead of end' }).optional(),
        ownerRef: z =>
          z.string({ description: "Default: the entity's owner" }).optional(),
        links: z =>
          z
            .array(
              z.object({
                kind: z.string().optional(),
                url: z.string(),
                title: z.string().optional(),
              }),
            )
            .optional(),
        notes: z => z.string().optional(),
      },
      output: {
        releaseId: z => z.string(),
        reference: z => z.string({ description: 'REL-<number>' }),
        url: z => z.string({ description: 'The release in the portal' }),
        warnings: z =>
          z.array(z.string(), {
            description: 'Conflicts that do not block (one sentence each)',
          }),
      },
    },
    async handler(ctx) {
      const { durationMinutes, end: givenEnd, ...rest } = ctx.input;
      const body = {
        ...rest,
        end: endOf({ start: rest.start, end: givenEnd, durationMinutes }),
      };
      const credentials = await ctx.getInitiatorCredentials();

      if (ctx.isDryRun) {
        const {
          links: _links,
          notes: _notes,
          ownerRef: _owner,
          ...window
        } = body;
        const checked = await call('/releases/check', window, credentials);
        if (checked.status !== 200) {
          throw refused(checked.status, checked.json, checked.text);
        }
        const conflicts: ReleaseConflict[] = checked.json.conflicts;
        const blocking = conflicts.filter(c => c.blocking);
        if (blocking.length > 0) {
          throw new ConflictError(
            `${blocking.length} conflict${
              blocking.length === 1 ? '' : 's'
            } would block releasing into ${body.environment}: ${blocking
              .map(c => c.sentence)
              .join('; ')}`,
          );
        }
        ctx.logger.info(
          `Dry run: the window is free of blocking conflicts; nothing booked`,
        );
        ctx.output('releaseId', 'dry-run');
        ctx.output('reference', 'REL-0');
        ctx.output('url', portalUrls.release('REL-0'));
        ctx.output(
          'warnings',
          conflicts.map(c => c.sentence),
        );
        return;
      }

      const booked = await call('/releases', body, credentials);
      if (booked.status === 409 && Array.isArray(booked.json?.conflicts)) {
        for (const conflict of booked.json.conflicts as ReleaseConflict[]) {
          ctx.logger.error(
            `${conflict.blocking ? 'Blocking' : 'Warning'}: ${
              conflict.sentence
            }`,
          );
        }
        throw new ConflictError(booked.json.error.message);
      }
      if (booked.status !== 201) {
        throw refused(booked.status, booked.json, booked.text);
      }
      const warnings = (booked.json.conflicts as ReleaseConflict[]).map(
        c => c.sentence,
      );
      for (const warning of warnings) {
        ctx.logger.warn(warning);
      }
      const url = portalUrls.release(booked.json.reference);
      ctx.logger.info(`Booked ${booked.json.reference}: ${url}`);
      ctx.output('releaseId', booked.json.id);
      ctx.output('reference', booked.json.reference);
      ctx.output('url', url);
      ctx.output('warnings', warnings);
    },
  });
}
