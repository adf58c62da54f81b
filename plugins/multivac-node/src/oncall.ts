import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { OnCallAnswer } from '@multivac/plugin-multivac-common';

/**
 * Where on-call comes from (built-in schedules, PagerDuty, ...). The core walks
 * the catalog (entity, then its owner Group, then its System) and asks the
 * providers, in registration order, whether that entity is annotated for them.
 */
export interface OnCallProvider {
  /** e.g. `builtin`, `pagerduty` */
  id: string;
  /** True when the entity carries this provider's annotation. */
  handles(entity: Entity): boolean;
  /**
   * Who is on call for `annotated` (the entity carrying the annotation) at
   * `at`. `entityRef` and `resolvedFrom` are filled in by the core.
   */
  getOnCall(
    annotated: Entity,
    at: Date,
  ): Promise<Omit<OnCallAnswer, 'entityRef' | 'resolvedFrom'>>;
}

export interface MultivacOnCallExtensionPoint {
  addProvider(provider: OnCallProvider): void;
}

/** Lets modules such as PagerDuty answer "who is on call". */
export const multivacOnCallExtensionPoint =
  createExtensionPoint<MultivacOnCallExtensionPoint>({
    id: 'multivac.oncall',
  });
