import { ServiceUnavailableError } from '@backstage/errors';
import {
  MultivacWorkflow,
  PageUpdate,
  PageUpdateReceiver,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';

/**
 * Where PagerDuty webhooks record page updates: the workflow's receiver,
 * which the multivac plugin hands over once it has started.
 */
export class ConnectedPageUpdates
  implements WorkflowClient, PageUpdateReceiver
{
  readonly id = 'pagerduty-webhooks';
  private receiver?: PageUpdateReceiver;

  connect(workflow: MultivacWorkflow): void {
    this.receiver = workflow.onCall.pageUpdates;
  }

  record(update: PageUpdate): Promise<boolean> {
    if (!this.receiver) {
      throw new ServiceUnavailableError(
        'The multivac plugin is still starting; PagerDuty retries the webhook',
      );
    }
    return this.receiver.record(update);
  }
}
