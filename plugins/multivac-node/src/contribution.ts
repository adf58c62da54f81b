import type { MultivacWorkflow } from './workflow';

/**
 * What every module contribution (a subscriber, an on-call provider, an
 * issue tracker, a workflow client) has in common.
 *
 * Each extension point keeps its contributions in a registry with the same
 * rules: ids are unique per kind, and a second contribution with the same id
 * fails the backend's start-up.
 *
 * @public
 */
export interface MultivacContribution {
  /**
   * Unique among contributions of its kind and stable across releases, e.g.
   * `slack`: it names the contribution's durable jobs.
   */
  readonly id: string;
  /**
   * Called once, during the multivac plugin's start-up and before its job
   * worker starts, with the workflow the contribution may use from then on
   * (as the catalog hands an `EntityProvider` its connection). Register job
   * handlers here. Contributions registered on several extension points are
   * connected once.
   */
  connect?(workflow: MultivacWorkflow): void | Promise<void>;
}

/**
 * A contribution that only uses the workflow, e.g. a chat router or a
 * webhook receiver.
 *
 * @public
 */
export interface WorkflowClient extends MultivacContribution {
  connect(workflow: MultivacWorkflow): void | Promise<void>;
}
