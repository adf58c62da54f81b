import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { OnCallPerson, PageRecord } from '@multivac/plugin-multivac-common';
import { MultivacContribution } from './contribution';

/**
 * One delivery of a built-in page to one person through one channel.
 *
 * @public
 */
export interface PagingDelivery {
  /** The page as it is when the delivery runs (still unacknowledged). */
  page: PageRecord;
  /** The person to reach, with their contact details from the catalog. */
  person: OnCallPerson;
  /**
   * A signed link that acknowledges the page as `person` without signing in
   * (it opens a confirmation first, so mail scanners that follow links do
   * not acknowledge). Put it in what the person receives.
   */
  acknowledgeUrl: string;
  /**
   * Stable across retries of this delivery: use it as the idempotency key
   * for calls to other systems (a message id, a dedup key).
   */
  deliveryId: string;
}

/**
 * What a channel did: `delivered` when the person's inbox, phone or chat
 * accepted it; `failed` (with what went wrong, shown on the page) makes
 * Multivac try the person's next channel.
 *
 * @public
 */
export type PagingDeliveryResult =
  | { status: 'delivered'; detail?: string }
  | { status: 'failed'; error: string };

/**
 * A way to reach a person paged through a built-in schedule: a chat direct
 * message, email, an SMS or voice gateway. Each person's channels are tried
 * in their order (User annotation `multivac.io/paging-channels`, else
 * `multivac.paging.defaultChannels`) until one delivers; each try is a
 * durable job in the paging lane whose state is shown on the page.
 *
 * A channel that throws counts as failed: the next channel is tried at once
 * rather than this one retried later, because a page must not wait for a
 * back-off. Channels therefore keep their own calls short (bounded by the
 * `signal`).
 *
 * @public
 */
export interface PagingChannel extends MultivacContribution {
  /** Names the channel in the annotation and config, e.g. `slack`, `email`. */
  readonly id: string;
  deliver(
    delivery: PagingDelivery,
    signal: AbortSignal,
  ): Promise<PagingDeliveryResult>;
}

/** @public */
export interface MultivacPagingChannelsExtensionPoint {
  /**
   * Channels are offered in registration order (before the built-in email
   * and webhook channels) to people without a channel order of their own.
   */
  addChannel(channel: PagingChannel): void;
}

/**
 * Lets modules deliver built-in pages to people (e.g. the Slack module's
 * direct message).
 *
 * @public
 */
export const multivacPagingChannelsExtensionPoint =
  createExtensionPoint<MultivacPagingChannelsExtensionPoint>({
    id: 'multivac.paging-channels',
  });
