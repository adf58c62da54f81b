import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { OnCallAnswer, OnCallPerson } from '@multivac/plugin-multivac-common';
import { MultivacContribution } from './contribution';

/**
 * Where on-call comes from (built-in schedules, PagerDuty, ...). The core walks
 * the catalog (entity, then its owner Group, then its System) and asks the
 * providers, in registration order, whether that entity is annotated for them.
 *
 * @public
 */
export interface OnCallProvider extends MultivacContribution {
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

/**
 * A page: wake someone up with everything they need to know.
 *
 * @public
 */
export interface PageRequest {
  /** One line, e.g. "SEV2 payments-api: card payments failing". */
  summary: string;
  /** Everything the reporter said, shown to the person paged. */
  details: Record<string, unknown>;
  urgency: 'high' | 'low';
  /** Same key = same page: repeats update it instead of paging again. */
  dedupKey: string;
  /** Link back to the report or incident in the portal. */
  link?: { href: string; text: string };
}

/** @public */
export interface PageResult {
  /** The provider's id for the page or alert, when it has one. */
  externalId?: string;
  /** Human-readable delivery state, e.g. "accepted by PagerDuty". */
  status: string;
}

/**
 * A provider that can also page. Paging goes to the escalation chain of the
 * annotated entity; the provider escalates (or Multivac does, for built-in
 * schedules) until someone acknowledges.
 *
 * @public
 */
export interface PagingOnCallProvider extends OnCallProvider {
  page(annotated: Entity, request: PageRequest): Promise<PageResult>;
  acknowledge(annotated: Entity, dedupKey: string): Promise<void>;
  resolve(annotated: Entity, dedupKey: string): Promise<void>;
  /**
   * Pages one person directly rather than a schedule. Optional: without it
   * (or when `canPagePerson` says no) Multivac records the page itself and
   * chat modules deliver it.
   */
  person?: PersonPaging;
}

/**
 * Paging one person through a provider, e.g. a PagerDuty user.
 *
 * @public
 */
export interface PersonPaging {
  /**
   * Whether the provider can reach `person` about `context` (the entity the
   * page is about, when there is one): e.g. PagerDuty has a user with their
   * email and a service to open the incident on.
   */
  canPage(person: OnCallPerson, context?: Entity): Promise<boolean>;
  page(
    person: OnCallPerson,
    context: Entity | undefined,
    request: PageRequest,
  ): Promise<PageResult>;
  acknowledge(
    person: OnCallPerson,
    context: Entity | undefined,
    dedupKey: string,
  ): Promise<void>;
}

/**
 * Something that happened to a page on the provider's side, e.g. the person
 * paged acknowledged it in the PagerDuty app.
 *
 * @public
 */
export interface PageUpdate {
  /** The `dedupKey` Multivac sent with the page. */
  dedupKey: string;
  status: 'acknowledged' | 'resolved';
  /** Who did it, as the provider names them (e.g. "Ada Lovelace"). */
  by?: string;
  /** Where it happened, e.g. `PagerDuty`; shown in page and incident history. */
  source: string;
}

/** @public */
export interface PageUpdateReceiver {
  /**
   * Records the update on the Multivac page with that dedup key and on the
   * incident linked to it. Returns false when no page has that key (e.g. an
   * incident raised in PagerDuty directly), which is not an error.
   */
  record(update: PageUpdate): Promise<boolean>;
}

/** @public */
export interface MultivacOnCallExtensionPoint {
  /** Providers are asked in registration order, before the built-in one. */
  addProvider(provider: OnCallProvider): void;
}

/**
 * Lets modules such as PagerDuty answer "who is on call".
 *
 * @public
 */
export const multivacOnCallExtensionPoint =
  createExtensionPoint<MultivacOnCallExtensionPoint>({
    id: 'multivac.oncall',
  });
