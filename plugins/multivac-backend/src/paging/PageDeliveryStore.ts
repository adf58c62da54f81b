import {
  PageDelivery,
  PageDeliveryStatus,
} from '@multivac/plugin-multivac-common';
import { Transaction } from '../database/Transaction';

/** A try to reach one person paged through one of their channels. */
export interface NewPageDelivery {
  pageId: string;
  level: number;
  userRef: string;
  name: string;
  /** The person's channel order; `position` is this try's channel in it. */
  channels: string[];
  position: number;
}

export interface StoredPageDelivery extends PageDelivery {
  pageId: string;
  channels: string[];
  position: number;
}

/** Deliveries of built-in pages through paging channels, with their state. */
export interface PageDeliveryStore {
  /**
   * Records a pending delivery; returns its id, or undefined when this try
   * (page, level, person, position) was already recorded.
   */
  add(tx: Transaction, delivery: NewPageDelivery): Promise<string | undefined>;
  get(id: string): Promise<StoredPageDelivery | undefined>;
  /**
   * Ends a pending delivery with `status`, calling `andThen` in the same
   * transaction; false (and nothing changes) when it was no longer pending.
   */
  finish(
    id: string,
    status: Exclude<PageDeliveryStatus, 'pending'>,
    detail: string | undefined,
    andThen?: (tx: Transaction) => Promise<void>,
  ): Promise<boolean>;
  /** Each page's deliveries, oldest first. */
  listForPages(pageIds: string[]): Promise<Map<string, PageDelivery[]>>;
}
