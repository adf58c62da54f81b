import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotAllowedError } from '@backstage/errors';
import {
  alertUpdatePermission,
  incidentCreatePermission,
  pageAcknowledgePermission,
} from '@multivac/plugin-multivac-common';
import {
  AlertGroupChange,
  AlertGroupSubscriber,
  MultivacWorkflow,
  PageChange,
  PageSubscriber,
  WorkflowAlertGroup,
} from '@multivac/plugin-multivac-node';
import { SlackConfig } from '../config';
import { ACTIONS, alertGroupMessage, SlackMessage } from '../messages';
import { WorkflowHandle } from '../WorkflowHandle';
import { postOrUpdate } from './postOrUpdate';
import { SlackActors } from './SlackActors';
import { SlackAnswers } from './SlackAnswers';
import { SlackBotServices } from './SlackBotServices';
import {
  SlackChannels,
  triageChannelId,
  UnknownSlackChannelError,
} from './SlackChannels';
import { SlackRoute } from './SlackRoutes';
import { owningTeam, postJoining } from './teams';

/** Key of the message about an alert group. */
export const alertGroupMessageKey = (groupId: string) =>
  `alert-group:${groupId}`;

/**
 * Alert groups that page, in the owning team's channel (the entity's
 * `slack.com/channel`, else its owner's; else the triage channel): posted
 * once per group, with Acknowledge and Start incident, and updated when
 * someone clicks them, as the group's page moves on (acknowledged
 * anywhere: the portal, a direct message, the paging provider) and when
 * the group becomes an incident anywhere (the portal, REST, a button).
 */
export class AlertGroupMessages
  implements AlertGroupSubscriber, PageSubscriber
{
  /** Not `slack`: the bot's direct messages are the `slack` page subscriber. */
  readonly id = 'slack-alert-groups';
  readonly routes: SlackRoute[];
  private readonly workflow = new WorkflowHandle();

  constructor(
    private readonly deps: SlackBotServices & {
      catalog: CatalogService;
      auth: AuthService;
      actors: SlackActors;
      answers: SlackAnswers;
      channels: SlackChannels;
      config: SlackConfig;
      logger: LoggerService;
    },
  ) {
    this.routes = [
      this.button(
        ACTIONS.acknowledgeAlertGroup,
        [alertUpdatePermission],
        // Acknowledging the group acknowledges its page: the page's permission too.
        async (workflow, groupId, actor) => {
          const page = (await workflow.alerts.getGroup(groupId))?.page;
          if (
            page &&
            !(await workflow.authorize(
              actor,
              pageAcknowledgePermission,
              page.id,
            ))
          ) {
            throw new NotAllowedError(
              `you are not allowed to ${pageAcknowledgePermission.name} on this group's page`,
            );
          }
          return workflow.alerts.acknowledge(groupId, actor);
        },
      ),
      this.button(
        ACTIONS.startAlertIncident,
        [alertUpdatePermission, incidentCreatePermission],
        (workflow, groupId, actor) =>
          workflow.alerts.startIncident(groupId, actor),
      ),
    ];
  }

  connect(workflow: MultivacWorkflow): void {
    this.workflow.set(workflow);
  }

  async onAlertGroupChange({ group, change }: AlertGroupChange): Promise<void> {
    const { client, store, logger } = this.deps;
    const key = alertGroupMessageKey(group.id);
    if (change !== 'opened') {
      // E.g. an incident started in the portal: the post (if the group was
      // posted) shows it, and loses its Start incident button.
      await postOrUpdate(
        this.deps,
        key,
        await this.message(group, this.workflow.get()),
      );
      return;
    }
    if (await store.getMessage(key)) {
      return; // posted by an earlier try
    }
    const channel = await this.channelOf(group);
    if (!channel) {
      logger.info(
        `Alert group ${group.id}: no Slack channel for ${group.entityRef} and no triage channel, not posted`,
      );
      return;
    }
    const message = await this.message(group, this.workflow.get());
    const ts = await postJoining(client, channel, message);
    await store.saveMessage(key, { channelId: channel, ts });
  }

  /**
   * The owning team's channel, resolved when the catalog names it; the
   * triage channel when the team has none or one the bot cannot see.
   */
  private async channelOf(
    group: WorkflowAlertGroup,
  ): Promise<string | undefined> {
    const { channels, config, logger } = this.deps;
    const { channel } = await owningTeam(this.deps, group.entityRef);
    if (!channel) {
      return triageChannelId(this.deps);
    }
    try {
      return await channels.idOf(channel);
    } catch (error) {
      if (!(error instanceof UnknownSlackChannelError)) {
        throw error;
      }
      logger.warn(
        `Alert group ${group.id} of ${group.entityRef}: ${error.message}${
          config.triageChannel ? '; posting it to the triage channel' : ''
        }`,
      );
      return triageChannelId(this.deps);
    }
  }

  async onPageChange({ page }: PageChange): Promise<void> {
    const groupId = page.details.alertGroup;
    if (typeof groupId !== 'string') {
      return;
    }
    const workflow = this.workflow.get();
    const group = await workflow.alerts.getGroup(groupId);
    if (group) {
      // The page as delivered: the group may not name it yet.
      await postOrUpdate(
        this.deps,
        alertGroupMessageKey(group.id),
        await this.message({ ...group, page }, workflow),
      );
    }
  }

  private async message(
    group: WorkflowAlertGroup,
    workflow: MultivacWorkflow,
  ): Promise<SlackMessage> {
    const { urls } = workflow;
    const people = [
      ...(group.page?.targets.map(t => t.userRef ?? '') ?? []),
      group.page?.acknowledgedBy ?? '',
    ];
    return alertGroupMessage(group, {
      groupUrl: urls.alertGroup(group.id),
      incidentUrl:
        group.incidentReference && urls.incident(group.incidentReference),
      slackIds: await this.deps.users.slackIds(people),
      names: await this.deps.users.displayNames(people),
    });
  }

  /** A button on the group's message; the message shows the outcome. */
  private button(
    actionId: string,
    permissions: BasicPermission[],
    action: (
      workflow: MultivacWorkflow,
      groupId: string,
      actor: string,
    ) => Promise<unknown>,
  ): SlackRoute {
    const { actors } = this.deps;
    return {
      kind: 'action',
      id: actionId,
      handle: async (click, { workflow, audience }) => {
        const actor = await actors.actorFor(audience);
        const groupId = click.action.value ?? '';
        if (
          actor &&
          (await actors.actAs(workflow, actor, permissions, audience, () =>
            action(workflow, groupId, actor.userRef),
          ))
        ) {
          const group = await workflow.alerts.getGroup(groupId);
          if (group) {
            await postOrUpdate(
              this.deps,
              alertGroupMessageKey(group.id),
              await this.message(group, workflow),
            );
          }
        }
      },
    };
  }
}
