import {
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  incidentCreatePermission,
  incidentUpdatePermission,
  pageAcknowledgePermission,
  postmortemCreatePermission,
} from '@multivac/plugin-multivac-common';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { ACTIONS, postmortemReply } from '../messages';
import { CatalogUser } from '../users/SlackUsers';
import { Audience, SlackAnswers } from './SlackAnswers';
import { SlackActors } from './SlackActors';
import { SlackRoute } from './SlackRoutes';

/** What a button does with its `value`, as the person who clicked it. */
type ButtonAction = (click: {
  workflow: MultivacWorkflow;
  value: string;
  actor: CatalogUser;
  audience: Audience;
}) => Promise<unknown>;

/**
 * The bot's buttons (on triage messages, pages, incident summaries): each
 * runs as the catalog user who clicked, when the policy allows them.
 */
export class ButtonActions {
  readonly routes: SlackRoute[];

  constructor(
    private readonly deps: { actors: SlackActors; answers: SlackAnswers },
  ) {
    this.routes = [
      this.button(
        ACTIONS.acknowledgeReport,
        pageAcknowledgePermission,
        ({ workflow, value, actor }) =>
          workflow.onCall.acknowledge(value, actor.userRef),
      ),
      this.button(
        ACTIONS.startIncident,
        incidentCreatePermission,
        ({ workflow, value, actor }) =>
          workflow.reports.startIncident(value, actor.userRef),
      ),
      this.button(
        ACTIONS.resolveIncident,
        incidentUpdatePermission,
        ({ workflow, value, actor }) =>
          workflow.incidents.transition(value, 'resolved', actor.userRef),
      ),
      this.button(
        ACTIONS.writePostmortem,
        postmortemCreatePermission,
        async ({ workflow, value, actor, audience }) => {
          const { postmortem, created } = await workflow.postmortems.create(
            value,
            actor.userRef,
          );
          await deps.answers.tell(
            audience,
            postmortemReply(postmortem, created),
          );
        },
      ),
    ];
  }

  /** A resource permission is checked on the item the button's value names. */
  private button(
    actionId: string,
    permission: Permission,
    action: ButtonAction,
  ): SlackRoute {
    const { actors, answers } = this.deps;
    return {
      kind: 'action',
      id: actionId,
      handle: async (click, { workflow, audience }) => {
        const actor = await actors.actorFor(audience);
        if (!actor) {
          return;
        }
        const value = click.action.value ?? '';
        if (
          isResourcePermission(permission) &&
          !(await workflow.authorize(actor.userRef, permission, value))
        ) {
          await answers.tell(
            audience,
            `Sorry, you are not allowed to ${permission.name}.`,
          );
          return;
        }
        await actors.actAs(
          workflow,
          actor,
          isResourcePermission(permission) ? [] : permission,
          audience,
          () => action({ workflow, value, actor, audience }),
        );
      },
    };
  }
}
