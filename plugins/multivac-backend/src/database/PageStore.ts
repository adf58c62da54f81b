import { ConflictError } from '@backstage/errors';
import { OnCallPerson, PageRecord } from '@multivac/plugin-multivac-common';
import { PermissionFilter } from '../permissions/permissionFilter';
import { Transaction } from './Transaction';

export type NewPage = Omit<
  PageRecord,
  | 'id'
  | 'dedupKey'
  | 'status'
  | 'level'
  | 'createdAt'
  | 'updatedAt'
  | 'acknowledgedAt'
  | 'acknowledgedBy'
  | 'resolvedAt'
  | 'history'
>;

/** Which pages a list returns. */
export type PageListFilter = {
  entityRefs?: string[];
  limit: number;
  permission?: PermissionFilter;
};

/**
 * A 409: the page to acknowledge was already acknowledged or resolved. It
 * carries the page, so that the service can say who acknowledged it (by
 * display name) and when (zone named), which the store cannot.
 */
export class PageAlreadyHandledError extends ConflictError {
  constructor(readonly page: PageRecord) {
    super(`The page was already ${page.status}`);
  }
}

/** Pages and their escalation state. */
export interface PageStore {
  /** Records a page at level 1, calling `andThen` inside the same transaction. */
  create(
    page: NewPage,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<PageRecord>;
  get(id: string): Promise<PageRecord | undefined>;
  findByDedupKey(dedupKey: string): Promise<PageRecord | undefined>;
  listForReports(reportIds: string[]): Promise<PageRecord[]>;
  listForIncident(incidentId: string): Promise<PageRecord[]>;
  /** Links a report's pages to the incident it became. */
  linkIncident(
    tx: Transaction,
    reportId: string,
    incidentId: string,
  ): Promise<void>;
  /** Newest first; `permission` keeps only what a conditional decision allows. */
  list(filter: PageListFilter): Promise<PageRecord[]>;
  /**
   * Acknowledges a triggered page; a {@link PageAlreadyHandledError} (409)
   * if it already was acknowledged or resolved.
   */
  acknowledge(
    id: string,
    by: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<PageRecord>;
  /**
   * Marks the page resolved (it needs nobody's attention any more); false
   * when it already was.
   */
  resolve(
    id: string,
    text: string,
    andThen: (tx: Transaction, page: PageRecord) => Promise<void>,
  ): Promise<boolean>;
  /**
   * Moves a triggered page from `fromLevel` to the next level's `targets`;
   * false (and changes nothing) when it was acknowledged or already moved
   * on, which makes a repeated escalation job harmless.
   */
  escalate(
    id: string,
    fromLevel: number,
    targets: OnCallPerson[],
    andThen: (tx: Transaction) => Promise<void>,
  ): Promise<boolean>;
  /** What the delivery to the provider or the chat did, shown on the page. */
  setDelivery(id: string, delivery: string): Promise<void>;
}
