import { InputError } from '@backstage/errors';
import {
  ACTIVE_RELEASE_STATUSES,
  RELEASE_STATUSES,
  releaseReadPermission,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { RelevantRelease } from '@multivac/plugin-multivac-node';
import { escapeMrkdwn, releaseLine, ReleaseTimes } from '../messages';
import { ChatCommand, CommandContext } from './types';

const UPCOMING_DAYS = 7;
/** How far before an incident started its "what changed?" looks. */
const CHANGED_HOURS = 24;
const USAGE = 'releases [service] [in <environment>]';

/** Releases that happened or may have: all but cancelled ones. */
const HAPPENED_STATUSES = RELEASE_STATUSES.filter(s => s !== 'cancelled');

/** `payments-api in staging` → service and environment, both optional. */
function parseArgs(args: string): { service?: string; environment?: string } {
  const words = args.split(/\s+/).filter(Boolean);
  const at = words.findIndex(word => word.toLowerCase() === 'in');
  const serviceWords = at < 0 ? words : words.slice(0, at);
  const environmentWords = at < 0 ? [] : words.slice(at + 1);
  if (serviceWords.length > 1 || (at >= 0 && environmentWords.length !== 1)) {
    throw new InputError(`Usage: \`${escapeMrkdwn(USAGE)}\``);
  }
  return { service: serviceWords[0], environment: environmentWords[0] };
}

/** `production` when configured, else the first environment. */
function defaultEnvironment(context: CommandContext): string {
  const { environments } = context.workflow.releases;
  return (environments.find(e => e.id === 'production') ?? environments[0]).id;
}

function list(
  context: CommandContext,
  releases: RelevantRelease[],
  times: ReleaseTimes,
): string[] {
  return releases.map(item =>
    releaseLine(
      item,
      context.workflow.urls.release(item.release.reference),
      times,
    ),
  );
}

async function serviceReleases(
  context: CommandContext,
  service: string,
  environment: string,
  times: ReleaseTimes,
): Promise<string> {
  const { now } = times;
  const upcoming = await context.workflow.releases.around([service], {
    environment,
    from: now.toISOString(),
    to: new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString(),
    statuses: ACTIVE_RELEASE_STATUSES,
  });
  const name = escapeMrkdwn(service);
  const where = escapeMrkdwn(environment);
  if (upcoming.length === 0) {
    return `No releases of ${name} or what it depends on in ${where} in the next ${UPCOMING_DAYS} days.`;
  }
  return [
    `*Releases of ${name} and what it depends on in ${where}, now and in the next ${UPCOMING_DAYS} days:*`,
    ...list(context, upcoming, times),
  ].join('\n');
}

/**
 * What changed before the incident started (releases under way in the
 * hours before), and what is releasing now or soon, of its entities and
 * what they depend on.
 */
async function incidentReleases(
  context: CommandContext,
  environment: string,
  times: ReleaseTimes,
): Promise<string> {
  const incident = context.incident!;
  const { now } = times;
  const started = Date.parse(incident.createdAt);
  const upcoming = await context.workflow.releases.around(incident.entityRefs, {
    environment,
    from: now.toISOString(),
    to: new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString(),
    statuses: ACTIVE_RELEASE_STATUSES,
  });
  const listed = new Set(upcoming.map(item => item.release.id));
  const changed = (
    await context.workflow.releases.around(incident.entityRefs, {
      environment,
      from: new Date(started - CHANGED_HOURS * 3_600_000).toISOString(),
      to: new Date(started).toISOString(),
      statuses: HAPPENED_STATUSES,
    })
  ).filter(item => !listed.has(item.release.id));
  const services = incident.entityRefs.map(shortRef).join(', ');
  const where = escapeMrkdwn(environment);
  if (changed.length === 0 && upcoming.length === 0) {
    return `No releases of ${incident.reference}'s services (${escapeMrkdwn(
      services,
    )}) or what they depend on in ${where} in the ${CHANGED_HOURS} hours before it started, nor now or in the next ${UPCOMING_DAYS} days.`;
  }
  return [
    `*Releases of ${incident.reference}'s services (${escapeMrkdwn(
      services,
    )}) and what they depend on, in ${where}*`,
    `_What changed?_ Under way in the ${CHANGED_HOURS} hours before it started:`,
    ...(changed.length > 0 ? list(context, changed, times) : ['• none']),
    `Now and in the next ${UPCOMING_DAYS} days:`,
    ...(upcoming.length > 0 ? list(context, upcoming, times) : ['• none']),
  ].join('\n');
}

/** The release calendar in chat. */
export const releaseCommands: ChatCommand[] = [
  {
    name: 'releases',
    usage: '[service] [in <environment>]',
    description:
      'current and upcoming releases of a service and what it depends on; in an incident, of its services, and what changed before it',
    permission: releaseReadPermission,
    async run(context) {
      const { service, environment } = parseArgs(context.args);
      if (!service && !context.incident) {
        throw new InputError(
          `Name a service: \`${escapeMrkdwn(
            USAGE,
          )}\`. Inside an incident, \`releases\` alone looks at its services.`,
        );
      }
      const times = {
        timeZone: context.workflow.releases.timeZone,
        now: new Date(),
      };
      const where = environment ?? defaultEnvironment(context);
      await context.reply(
        service
          ? await serviceReleases(context, service, where, times)
          : await incidentReleases(context, where, times),
      );
    },
  },
];
