import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Incident,
  roleHolder,
  displayNameOf,
  actorName,
} from '@multivac/plugin-multivac-common';
import {
  IncidentChange,
  IncidentSubscriber,
  MultivacWorkflow,
} from '@multivac/plugin-multivac-node';
import { SlackConfig } from '../config';
import {
  IncidentChannel,
  reportMessageKey,
  triageAnnouncementKey,
} from '../database/SlackStore';
import {
  announcement,
  declaredMessage,
  escapeMrkdwn,
  incidentChannelName,
  incidentSummary,
  incidentTopic,
  mention,
  resolvedMessage,
  SlackMessage,
  triageAnnouncement,
} from '../messages';
import { WorkflowHandle } from '../WorkflowHandle';
import { slackErrorCode } from './slackErrors';
import { SlackBotServices } from './SlackBotServices';
import {
  SlackChannels,
  triageChannelId,
  UnknownSlackChannelError,
} from './SlackChannels';
import { SlackProblems } from './SlackProblems';
import { owningTeam, OwningTeam, postJoining } from './teams';

const ARCHIVE = 'slack.archive';
/** Who records what the bot could not do on an incident's timeline. */
const SLACK_ACTOR = 'service:slack';
const TRIAGE = 'slack.triage';
/** Tries `inc-7-title`, `inc-7-title-2`, ... before giving up. */
const CHANNEL_NAME_ATTEMPTS = 5;

/**
 * Runs each incident's Slack channel from its timeline: created with the
 * people and the pinned summary when declared, topic and summary kept
 * current, the end announced with its duration, archived later. The portal
 * and Slack drive the same incident, so this reacts to changes from both.
 */
export class IncidentChannels implements IncidentSubscriber {
  readonly id = 'slack';
  private readonly workflow = new WorkflowHandle();
  private readonly problems: SlackProblems;

  constructor(
    private readonly deps: SlackBotServices & {
      catalog: CatalogService;
      auth: AuthService;
      channels: SlackChannels;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {
    this.problems = new SlackProblems(deps);
  }

  /** Keeps the workflow; registers the triage announcement and archive jobs. */
  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
    workflow.jobs.registerHandler(TRIAGE, async job => {
      const incident = await workflow.incidents.get(
        String(job.payload.incidentId),
      );
      if (incident) {
        await this.announceInTriage(
          incident,
          job.payload.fromReport as string | undefined,
        );
      }
    });
    workflow.jobs.registerHandler(ARCHIVE, async job => {
      const channel = await this.deps.store.channelForIncident(
        String(job.payload.incidentId),
      );
      const incident =
        channel && (await workflow.incidents.get(channel.incidentId));
      // Reopened meanwhile: keep the channel.
      if (
        !channel ||
        channel.archived ||
        !incident ||
        incident.status !== 'resolved'
      ) {
        return;
      }
      await this.step(incident, 'archive the channel', () =>
        this.ignoring(['already_archived'], () =>
          this.deps.client.conversations.archive({
            channel: channel.channelId,
          }),
        ),
      );
      await this.deps.store.markArchived(channel.incidentId);
    });
  }

  async onIncidentChange({ event, incident }: IncidentChange): Promise<void> {
    if (event.type === 'declared') {
      if (this.deps.config.triageChannel) {
        // Its own job, once per incident: the triage channel hears even
        // when the incident channel cannot be made yet.
        await this.workflow.get().jobs.enqueue({
          type: TRIAGE,
          idempotencyKey: `${TRIAGE}:${incident.id}`,
          incidentId: incident.id,
          payload: {
            incidentId: incident.id,
            fromReport: event.payload.fromReport,
          },
        });
      }
      await this.open(incident);
      return;
    }
    const channel = await this.deps.store.channelForIncident(incident.id);
    if (!channel || channel.archived) {
      return;
    }
    await this.refresh(incident, channel);
    if (event.type === 'status_changed' && incident.status === 'resolved') {
      await this.announceEnd(incident, channel);
    } else if (event.type === 'note') {
      const name = await this.nameOf(event.actor);
      await this.step(incident, 'post a note in the channel', () =>
        this.post(
          channel.channelId,
          `:memo: ${escapeMrkdwn(name)}: ${escapeMrkdwn(
            String(event.payload.text ?? ''),
          )}`,
        ),
      );
    }
  }

  /** Idempotent: a retried job continues where the last attempt stopped. */
  private async open(incident: Incident): Promise<void> {
    const { client, store } = this.deps;
    const channel =
      (await store.channelForIncident(incident.id)) ??
      (await this.step(incident, 'create the channel', () =>
        this.createChannel(incident),
      ));
    await this.step(incident, 'show the channel in the triage channel', () =>
      this.showChannelInTriage(incident),
    );

    const people = incident.roles.map(r => r.userRef);
    const team = await this.owningTeam(incident);
    const slackIds = await this.deps.users.slackIds([
      ...people,
      ...team.members,
    ]);
    const invited = [...new Set(Object.values(slackIds))];
    if (invited.length > 0) {
      await this.step(incident, 'invite people to the channel', () =>
        this.ignoring(['already_in_channel'], () =>
          client.conversations.invite({
            channel: channel.channelId,
            users: invited.join(','),
          }),
        ),
      );
    }
    await this.refresh(incident, channel);
    let summaryTs = channel.summaryTs;
    if (!summaryTs) {
      const reporter = roleHolder(incident, 'reporter');
      summaryTs = await this.step(
        incident,
        'post the summary in the channel',
        async () => {
          await this.post(
            channel.channelId,
            declaredMessage(incident, {
              reporter: reporter ? slackIds[reporter] : undefined,
              invited,
              names: {
                [incident.createdBy]: await this.nameOf(incident.createdBy),
              },
            }),
          );
          return this.post(channel.channelId, await this.summary(incident));
        },
      );
      // Saved before pinning: the pin's event must find it is the bot's own.
      await store.setSummary(incident.id, summaryTs);
    }
    await this.step(incident, 'pin the summary', () =>
      this.ignoring(['already_pinned'], () =>
        client.pins.add({ channel: channel.channelId, timestamp: summaryTs }),
      ),
    );
    const teamChannel =
      team.channel &&
      !(await store.getMessage(`announce:${incident.id}`)) &&
      (await this.teamChannelId(incident, team.channel));
    if (teamChannel) {
      const ts = await this.step(
        incident,
        `announce it in the team channel <#${teamChannel}>`,
        () => this.post(teamChannel, announcement(incident, channel.channelId)),
      );
      await store.saveMessage(`announce:${incident.id}`, {
        channelId: teamChannel,
        ts,
      });
    }
  }

  /**
   * The id of the team channel the catalog names (an id, or a name). One
   * the bot cannot see is not announced in: that is logged, and recorded
   * once on the incident's timeline (which the incident channel shows), so
   * that someone invites the bot or fixes the annotation.
   */
  private async teamChannelId(
    incident: Incident,
    channel: string,
  ): Promise<string | undefined> {
    const { channels, store, logger } = this.deps;
    try {
      return await this.step(incident, 'find the team channel', () =>
        channels.idOf(channel),
      );
    } catch (error) {
      if (!(error instanceof UnknownSlackChannelError)) {
        throw error;
      }
      const text = `Could not announce ${incident.reference} in the team channel: ${error.message}.`;
      logger.warn(text);
      const key = `unknown-channel:${incident.id}:${error.channel}`;
      if (await store.claimNotice(key)) {
        try {
          await this.workflow
            .get()
            .incidents.addNote(incident.id, text, SLACK_ACTOR);
        } catch (failure) {
          await store.releaseNotice(key);
          throw failure;
        }
      }
      return undefined;
    }
  }

  /**
   * Announces the incident in the triage channel, in the thread of the
   * report it was started from when the bot posted that report; once.
   */
  private async announceInTriage(incident: Incident, fromReport?: string) {
    const { store } = this.deps;
    const key = triageAnnouncementKey(incident.id);
    if (!(await store.getMessage(key))) {
      const channel = await store.channelForIncident(incident.id);
      const reportMessage = fromReport
        ? await store.getMessage(
            reportMessageKey(
              (
                await this.workflow.get().reports.get(fromReport)
              ).id,
            ),
          )
        : undefined;
      let channelId = reportMessage?.channelId;
      const ts = await this.step(
        incident,
        'announce it in the triage channel',
        async () => {
          // An unknown triage channel name throws: the job is retried.
          channelId ??= (await triageChannelId(this.deps))!;
          return this.post(
            channelId,
            await this.triageMessage(incident, channel?.channelId),
            reportMessage?.ts,
          );
        },
      );
      await store.saveMessage(key, { channelId: channelId!, ts });
      if (channel) {
        return;
      }
    }
    // The channel may have been opened since: open() shows it only in an
    // announcement it finds.
    await this.step(incident, 'show the channel in the triage channel', () =>
      this.showChannelInTriage(incident),
    );
  }

  /** Adds the incident channel to the triage announcement, when both exist. */
  private async showChannelInTriage(incident: Incident) {
    const { store } = this.deps;
    const announced = await store.getMessage(
      triageAnnouncementKey(incident.id),
    );
    const channel = await store.channelForIncident(incident.id);
    if (announced && channel) {
      await this.deps.client.chat.update({
        channel: announced.channelId,
        ts: announced.ts,
        ...(await this.triageMessage(incident, channel.channelId)),
      });
    }
  }

  private async triageMessage(
    incident: Incident,
    channelId?: string,
  ): Promise<SlackMessage> {
    const slackId = await this.deps.users.slackId(incident.createdBy);
    return triageAnnouncement(incident, {
      declaredBy: slackId
        ? mention(slackId)
        : escapeMrkdwn(await this.nameOf(incident.createdBy)),
      channelId,
      incidentUrl: this.workflow.get().urls.incident(incident.reference),
    });
  }

  private async createChannel(incident: Incident): Promise<IncidentChannel> {
    for (let attempt = 1; attempt <= CHANNEL_NAME_ATTEMPTS; attempt++) {
      const name = incidentChannelName(
        incident.number,
        incident.title,
        attempt,
      );
      try {
        const created = await this.deps.client.conversations.create({ name });
        const channel = {
          incidentId: incident.id,
          channelId: created.channel!.id!,
          channelName: name,
        };
        await this.deps.store.saveChannel(channel);
        return { ...channel, archived: false };
      } catch (error) {
        if (slackErrorCode(error) !== 'name_taken') {
          throw error;
        }
      }
    }
    throw new Error(
      `Slack channel names ${incidentChannelName(
        incident.number,
        incident.title,
      )} to -${CHANNEL_NAME_ATTEMPTS} are all taken`,
    );
  }

  /** Topic and pinned summary follow the incident. */
  private async refresh(incident: Incident, channel: IncidentChannel) {
    const controller = roleHolder(incident, 'controller');
    const topic = incidentTopic(
      incident,
      controller ? await this.nameOf(controller) : undefined,
    );
    await this.step(incident, 'set the channel topic', () =>
      this.deps.client.conversations.setTopic({
        channel: channel.channelId,
        topic,
      }),
    );
    const summaryTs = channel.summaryTs;
    if (summaryTs) {
      const summary = await this.summary(incident);
      await this.step(incident, 'update the pinned summary', () =>
        this.deps.client.chat.update({
          channel: channel.channelId,
          ts: summaryTs,
          ...summary,
        }),
      );
    }
  }

  private async announceEnd(incident: Incident, channel: IncidentChannel) {
    const { archiveAfterMinutes } = this.deps.config;
    await this.step(incident, 'post the resolution in the channel', () =>
      this.post(
        channel.channelId,
        resolvedMessage(incident, { archiveAfterMinutes }),
      ),
    );
    if (archiveAfterMinutes !== undefined) {
      await this.workflow.get().jobs.enqueue({
        type: ARCHIVE,
        idempotencyKey: `${ARCHIVE}:${incident.id}:${incident.stateTimestamps.resolved}`,
        incidentId: incident.id,
        payload: { incidentId: incident.id },
        runAfter: new Date(Date.now() + archiveAfterMinutes * 60_000),
      });
    }
  }

  private async summary(incident: Incident) {
    const refs = incident.roles.map(r => r.userRef);
    const names: Record<string, string> = {};
    for (const ref of refs) {
      names[ref] = await this.nameOf(ref);
    }
    return incidentSummary(incident, {
      incidentUrl: this.workflow.get().urls.incident(incident.reference),
      slackIds: await this.deps.users.slackIds(refs),
      names,
    });
  }

  /** Members and Slack channel of the Group owning the first entity. */
  private async owningTeam(
    incident: Incident,
  ): Promise<{ members: string[]; channel?: string }> {
    const { owner, channel }: OwningTeam = incident.entityRefs[0]
      ? await owningTeam(this.deps, incident.entityRefs[0])
      : {};
    return {
      members:
        owner?.relations
          ?.filter(r => r.type === 'hasMember')
          .map(r => r.targetRef) ?? [],
      channel,
    };
  }

  private async nameOf(ref: string): Promise<string> {
    if (!ref.startsWith('user:')) {
      return actorName(ref);
    }
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    return displayNameOf(entity, ref);
  }

  private post(
    channel: string,
    message: string | { text: string; blocks?: unknown[] },
    threadTs?: string,
  ): Promise<string> {
    return postJoining(this.deps.client, channel, message, threadTs);
  }

  /**
   * Runs one step of an incident's Slack work. When Slack refuses it for a
   * reason only a person can fix, they are told before the error fails the
   * job, which the queue retries with back-off.
   */
  private async step<T>(
    incident: Incident,
    what: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      await this.problems.report(incident, what, error);
      throw error;
    }
  }

  private async ignoring<T>(
    codes: string[],
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (codes.includes(slackErrorCode(error) ?? '')) {
        return undefined;
      }
      throw error;
    }
  }
}
