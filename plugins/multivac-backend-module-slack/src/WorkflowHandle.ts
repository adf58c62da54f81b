import { ServiceUnavailableError } from '@backstage/errors';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';

/**
 * The workflow a contribution is handed once, in its `connect`, kept for
 * what it does later. Used before that (a request that reaches the backend
 * while it starts), it answers 503.
 */
export class WorkflowHandle {
  private workflow?: MultivacWorkflow;

  set(workflow: MultivacWorkflow): void {
    this.workflow = workflow;
  }

  get(): MultivacWorkflow {
    if (!this.workflow) {
      throw new ServiceUnavailableError(
        'The multivac plugin has not started yet',
      );
    }
    return this.workflow;
  }
}
