import { InputError, NotAllowedError } from '@backstage/errors';
import {
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  INCIDENT_STATES,
  IncidentStatus,
  oncallPagePermission,
  oncallReadPermission,
  OnCallAnswer,
  postmortemCreatePermission,
  reportCreatePermission,
  roleHolder,
  formatDateTime,
  formatWithScheduleTime,
  Severity,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { escapeMrkdwn, postmortemReply, slackDate } from '../messages';
import { ChatCommand, CommandContext } from './types';

const SEVERITY_WORD = /^sev([1-4])$/i;

function incidentOf(context: CommandContext) {
  // The registry runs `needsIncident` commands only with an incident.
  return context.incident!;
}

function requireArgs(context: CommandContext, usage: string): string {
  if (!context.args) {
    throw new InputError(`Usage: \`${escapeMrkdwn(usage)}\``);
  }
  return context.args;
}

async function requireUser(context: CommandContext, mention: string) {
  const user = await context.findUser(mention);
  if (!user) {
    throw new InputError(
      `I cannot find ${escapeMrkdwn(
        mention,
      )} in the catalog, so they cannot take a role or be paged.`,
    );
  }
  return user;
}

/** `<@U123>`, `@ada`, `ada@example.com` or `user:ada`, rather than a service. */
function isPerson(target: string): boolean {
  return target.includes('@') || /^user:/i.test(target);
}

/**
 * When a shift ends, for its reader: where their zone is known (the shell)
 * in it, named, and in the schedule's where that clock differs; in Slack a
 * date each reader sees in their own zone, and the schedule's time, named,
 * since shifts change hands at the schedule's times.
 */
function shiftEnd(
  iso: string,
  scheduleZone: string | undefined,
  readerZone: string | undefined,
): string {
  if (!scheduleZone) {
    return slackDate(iso);
  }
  if (readerZone) {
    return escapeMrkdwn(
      formatWithScheduleTime(iso, scheduleZone, {
        zone: readerZone,
        locale: 'en-US',
      }),
    );
  }
  return `${slackDate(iso)} (${escapeMrkdwn(
    formatDateTime(iso, { zone: scheduleZone, locale: 'en-US' }),
  )} schedule time)`;
}

function describeOnCall(answer: OnCallAnswer, readerZone?: string): string {
  const lines = answer.levels.map(level => {
    const people = level.onCall
      .map(
        shift =>
          `${escapeMrkdwn(shift.person.name)}${
            shift.person.phone ? ` (${escapeMrkdwn(shift.person.phone)})` : ''
          } until ${shiftEnd(shift.end, answer.schedule.timeZone, readerZone)}`,
      )
      .join(', ');
    return `Level ${level.level}: ${people || 'nobody'}`;
  });
  return [
    `*On call for ${shortRef(answer.entityRef)}* (${escapeMrkdwn(
      answer.schedule.name,
    )}, ${answer.provider}):`,
    ...lines,
  ].join('\n');
}

/** The incident commands; `help` is added by the registry. */
export const incidentCommands: ChatCommand[] = [
  {
    name: 'report',
    usage: '',
    description: 'report a problem: opens the triage form',
    permission: reportCreatePermission,
    run: context => context.openReportForm(),
  },
  {
    name: 'start',
    usage: '<service> [sev1-4] [title]',
    description: 'declare an incident (and open its Slack channel)',
    permission: incidentCreatePermission,
    async run(context) {
      const words = requireArgs(
        context,
        'start <service> [sev1-4] [title]',
      ).split(/\s+/);
      const [service, ...rest] = words;
      const severityWord = rest.find(w => SEVERITY_WORD.test(w));
      const title =
        rest.filter(w => w !== severityWord).join(' ') || `${service} incident`;
      const incident = await context.workflow.incidents.declare(
        {
          title,
          severity: (severityWord?.toUpperCase() as Severity) ?? 'SEV3',
          entityRefs: [service],
        },
        context.actor.userRef,
      );
      if (context.enterIncident) {
        await context.enterIncident(incident);
        await context.reply(
          `Declared ${incident.reference} (${incident.severity}); your next commands apply to it.`,
        );
      } else {
        await context.reply(
          `Declared ${incident.reference} (${incident.severity}); I am opening its channel.`,
        );
      }
    },
  },
  {
    name: 'status',
    usage: '[new state]',
    description: `show the incident, or move it on (${INCIDENT_STATES.join(
      ', ',
    )})`,
    permission: incidentReadPermission,
    needsIncident: true,
    async run(context) {
      const incident = incidentOf(context);
      if (context.args) {
        const to = context.args.toLowerCase() as IncidentStatus;
        if (!INCIDENT_STATES.includes(to)) {
          throw new InputError(
            `${escapeMrkdwn(
              context.args,
            )} is not a state; use one of ${INCIDENT_STATES.join(', ')}`,
          );
        }
        if (
          !(await context.workflow.authorize(
            context.actor.userRef,
            incidentUpdatePermission,
            incident.reference,
          ))
        ) {
          throw new NotAllowedError(
            `You are not allowed to ${incidentUpdatePermission.name}`,
          );
        }
        await context.workflow.incidents.transition(
          incident.id,
          to,
          context.actor.userRef,
        );
        return;
      }
      const controller = roleHolder(incident, 'controller');
      let controllerText = 'nobody yet';
      if (controller) {
        controllerText = context.person
          ? await context.person(controller)
          : escapeMrkdwn(shortRef(controller));
      }
      await context.reply(
        [
          `*${incident.reference}: ${escapeMrkdwn(incident.title)}*`,
          `${incident.severity} | ${incident.status} | controller: ${controllerText}`,
          incident.summary &&
            `Latest update: ${escapeMrkdwn(incident.summary)}`,
          `Portal: ${context.workflow.urls.incident(incident.reference)}`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    },
  },
  {
    name: 'update',
    usage: '<text>',
    description: 'post a status update; it becomes the incident summary',
    permission: incidentUpdatePermission,
    needsIncident: true,
    async run(context) {
      await context.workflow.incidents.update(
        incidentOf(context).id,
        { summary: requireArgs(context, 'update <text>') },
        context.actor.userRef,
      );
    },
  },
  {
    name: 'sev',
    usage: '<1-4>',
    description: 'change the severity',
    permission: incidentUpdatePermission,
    needsIncident: true,
    async run(context) {
      const match = /^(?:sev)?([1-4])$/i.exec(context.args);
      if (!match) {
        throw new InputError('Usage: `sev &lt;1-4&gt;`, e.g. `sev 2`');
      }
      await context.workflow.incidents.update(
        incidentOf(context).id,
        { severity: `SEV${match[1]}` as Severity },
        context.actor.userRef,
      );
    },
  },
  {
    name: 'controller',
    usage: '@user',
    description: 'hand the incident controller role to someone',
    permission: incidentUpdatePermission,
    needsIncident: true,
    async run(context) {
      const user = await requireUser(
        context,
        requireArgs(context, 'controller @user'),
      );
      await context.workflow.incidents.assignRole(
        incidentOf(context).id,
        'controller',
        user.userRef,
        context.actor.userRef,
      );
    },
  },
  {
    name: 'page',
    usage: '@user|<service>',
    description: 'page a person, or whoever is on call for a service',
    permission: oncallPagePermission,
    needsIncident: true,
    async run(context) {
      const incident = incidentOf(context);
      const target = requireArgs(context, 'page @user|<service>');
      const page = {
        summary: `${incident.severity} ${incident.reference}: ${incident.title}`,
        urgency: ['SEV1', 'SEV2'].includes(incident.severity)
          ? ('high' as const)
          : ('low' as const),
        incidentId: incident.id,
        details: {
          incident: incident.reference,
          link: context.workflow.urls.incident(incident.reference),
        },
      };
      const record = isPerson(target)
        ? await context.workflow.onCall.pageUser(
            (
              await requireUser(context, target)
            ).userRef,
            { ...page, about: incident.entityRefs[0] },
            context.actor.userRef,
          )
        : await context.workflow.onCall.pageEntity(
            target,
            page,
            context.actor.userRef,
          );
      await context.reply(
        `Paged ${
          record.targets.map(t => escapeMrkdwn(t.name)).join(', ') ||
          escapeMrkdwn(record.scheduleName)
        } (${record.delivery}).`,
      );
    },
  },
  {
    name: 'oncall',
    usage: '<service>',
    description: 'who is on call for a service, with phone numbers',
    permission: oncallReadPermission,
    async run(context) {
      const answer = await context.workflow.onCall.whoIsOnCall(
        requireArgs(context, 'oncall <service>'),
      );
      await context.reply(describeOnCall(answer, context.timeZone));
    },
  },
  {
    name: 'note',
    usage: '<text>',
    description: 'add a note to the timeline',
    permission: incidentUpdatePermission,
    needsIncident: true,
    async run(context) {
      await context.workflow.incidents.addNote(
        incidentOf(context).id,
        requireArgs(context, 'note <text>'),
        context.actor.userRef,
      );
    },
  },
  {
    name: 'postmortem',
    usage: '',
    description:
      'write the post-mortem of this resolved incident (or find the one it has)',
    permission: postmortemCreatePermission,
    needsIncident: true,
    async run(context) {
      const { postmortem, created } = await context.workflow.postmortems.create(
        incidentOf(context).id,
        context.actor.userRef,
      );
      await context.reply(postmortemReply(postmortem, created));
    },
  },
  {
    name: 'resolve',
    usage: '',
    description: 'resolve the incident (its Slack channel is archived later)',
    permission: incidentUpdatePermission,
    needsIncident: true,
    async run(context) {
      await context.workflow.incidents.transition(
        incidentOf(context).id,
        'resolved',
        context.actor.userRef,
        context.args || undefined,
      );
    },
  },
];
