import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  incidentCreatePermission,
  incidentUpdatePermission,
  oncallPagePermission,
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
        oncallPagePermission,
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

  private button(
    actionId: string,
    permission: BasicPermission,
    action: ButtonAction,
  ): SlackRoute {
    const { actors } = this.deps;
    return {
      kind: 'action',
      id: actionId,
      handle: async (click, { workflow, audience }) => {
        const actor = await actors.actorFor(audience);
        if (actor) {
          await actors.actAs(workflow, actor, permission, audience, () =>
            action({
              workflow,
              value: click.action.value ?? '',
              actor,
              audience,
            }),
          );
        }
      },
    };
  }
}
