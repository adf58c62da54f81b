import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SLACK_CHANNEL,
  Incident,
  roleHolder,
  shortRef,
} from '@multivac/plugin-multivac-common';
import {
  IncidentChange,
  IncidentSubscriber,
  MultivacWorkflow,
} from '@multivac/plugin-multivac-node';
import { WebClient } from '@slack/web-api';
import { SlackConfig } from '../config';
import { IncidentChannel, SlackStore } from '../database/SlackStore';
import {
  announcement,
  declaredMessage,
  escapeMrkdwn,
  incidentChannelName,
  incidentSummary,
  incidentTopic,
  resolvedMessage,
} from '../messages';
import { SlackUsers } from '../users/SlackUsers';
import { slackErrorCode } from './slackErrors';

const ARCHIVE = 'slack.archive';
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

  constructor(
    private readonly deps: {
      client: WebClient;
      store: SlackStore;
      users: SlackUsers;
      workflow: () => MultivacWorkflow;
      catalog: CatalogService;
      auth: AuthService;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {}

  /** Registers the delayed archive job with the core's queue. */
  registerJobs(workflow: MultivacWorkflow) {
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
      try {
        await this.deps.client.conversations.archive({
          channel: channel.channelId,
        });
      } catch (error) {
        if (slackErrorCode(error) !== 'already_archived') {
          throw error;
        }
      }
      await this.deps.store.markArchived(channel.incidentId);
    });
  }

  async onIncidentChange({ event, incident }: IncidentChange): Promise<void> {
    if (event.type === 'declared') {
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
      await this.post(
        channel.channelId,
        `:memo: ${escapeMrkdwn(name)}: ${escapeMrkdwn(
          String(event.payload.text ?? ''),
        )}`,
      );
    }
  }

  /** Idempotent: a retried job continues where the last attempt stopped. */
  private async open(incident: Incident): Promise<void> {
    const { client, store } = this.deps;
    const channel =
      (await store.channelForIncident(incident.id)) ??
      (await this.createChannel(incident));

    const people = incident.roles.map(r => r.userRef);
    const team = await this.owningTeam(incident);
    const slackIds = await this.deps.users.slackIds([
      ...people,
      ...team.members,
    ]);
    const invited = [...new Set(Object.values(slackIds))];
    if (invited.length > 0) {
      await this.ignoring(['already_in_channel'], () =>
        client.conversations.invite({
          channel: channel.channelId,
          users: invited.join(','),
        }),
      );
    }
    await this.refresh(incident, channel);
    if (!channel.summaryTs) {
      const reporter = roleHolder(incident, 'reporter');
      await this.post(
        channel.channelId,
        declaredMessage(incident, {
          reporter: reporter ? slackIds[reporter] : undefined,
          invited,
        }),
      );
      const summary = await this.post(
        channel.channelId,
        await this.summary(incident),
      );
      await client.pins.add({ channel: channel.channelId, timestamp: summary });
      await store.setSummary(incident.id, summary);
    }
    if (team.channel && !(await store.getMessage(`announce:${incident.id}`))) {
      const ts = await this.post(
        team.channel,
        announcement(incident, channel.channelId),
      );
      await store.saveMessage(`announce:${incident.id}`, {
        channelId: team.channel,
        ts,
      });
    }
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
    await this.deps.client.conversations.setTopic({
      channel: channel.channelId,
      topic: incidentTopic(
        incident,
        controller ? await this.nameOf(controller) : undefined,
      ),
    });
    if (channel.summaryTs) {
      await this.deps.client.chat.update({
        channel: channel.channelId,
        ts: channel.summaryTs,
        ...(await this.summary(incident)),
      });
    }
  }

  private async announceEnd(incident: Incident, channel: IncidentChannel) {
    const { archiveAfterMinutes } = this.deps.config;
    await this.post(
      channel.channelId,
      resolvedMessage(incident, { archiveAfterMinutes }),
    );
    if (archiveAfterMinutes !== undefined) {
      await this.deps.workflow().jobs.enqueue({
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
      incidentUrl: this.deps.workflow().urls.incident(incident.reference),
      slackIds: await this.deps.users.slackIds(refs),
      names,
    });
  }

  /** Members and Slack channel of the Group owning the first entity. */
  private async owningTeam(
    incident: Incident,
  ): Promise<{ members: string[]; channel?: string }> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const get = (ref: string) =>
      this.deps.catalog.getEntityByRef(ref, { credentials });
    const entity =
      incident.entityRefs[0] && (await get(incident.entityRefs[0]));
    if (!entity) {
      return { members: [] };
    }
    const ownerRef = entity.relations?.find(
      r => r.type === 'ownedBy',
    )?.targetRef;
    const owner: Entity | undefined = ownerRef
      ? await get(ownerRef)
      : undefined;
    const channelOf = (e?: Entity) =>
      e?.metadata.annotations?.[ANNOTATION_SLACK_CHANNEL];
    return {
      members:
        owner?.relations
          ?.filter(r => r.type === 'hasMember')
          .map(r => r.targetRef) ?? [],
      channel: channelOf(entity) ?? channelOf(owner),
    };
  }

  private async nameOf(ref: string): Promise<string> {
    if (!ref.startsWith('user:')) {
      return shortRef(ref);
    }
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    const displayName = (entity?.spec?.profile as { displayName?: string })
      ?.displayName;
    return displayName ?? (entity ? entity.metadata.name : shortRef(ref));
  }

  private async post(
    channel: string,
    message: string | { text: string; blocks?: unknown[] },
  ): Promise<string> {
    const content = typeof message === 'string' ? { text: message } : message;
    const send = () =>
      this.deps.client.chat.postMessage({
        channel,
        ...(content as { text: string }),
      });
    try {
      return (await send()).ts!;
    } catch (error) {
      // A team's public channel the bot has not joined yet.
      if (slackErrorCode(error) !== 'not_in_channel') {
        throw error;
      }
      await this.deps.client.conversations.join({ channel });
      return (await send()).ts!;
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
