import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGING_CHANNELS,
  OnCallPerson,
  PageDelivery,
  PageRecord,
} from '@multivac/plugin-multivac-common';
import {
  PagingChannel,
  PagingDeliveryResult,
} from '@multivac/plugin-multivac-node';
import { PageStore } from '../database/PageStore';
import { Transaction } from '../database/Transaction';
import { JobQueue } from '../jobs/JobQueue';
import { PeopleDirectory } from '../oncall/PeopleDirectory';
import { AcknowledgeLinks } from './AcknowledgeLinks';
import { PageDeliveryStore } from './PageDeliveryStore';

const DELIVER = 'page.channel';
const DEFAULT_CHANNELS_KEY = 'multivac.paging.defaultChannels';

/** One person paged, and the channels to try for them, in order. */
export interface DeliveryPlan {
  userRef: string;
  name: string;
  channels: string[];
}

/**
 * `multivac.paging.defaultChannels`, checked against the channels there
 * are; without it, every channel in registration order (modules' first).
 */
export function readDefaultChannels(
  config: Config,
  channels: readonly PagingChannel[],
): string[] {
  const ids = channels.map(c => c.id);
  const configured = config.getOptionalStringArray(DEFAULT_CHANNELS_KEY);
  if (!configured) {
    return ids;
  }
  for (const id of configured) {
    if (!ids.includes(id)) {
      throw new Error(
        `${DEFAULT_CHANNELS_KEY}: '${id}' is not an enabled paging channel (enabled: ${
          ids.join(', ') || 'none'
        })`,
      );
    }
  }
  return configured;
}

/**
 * Delivers built-in pages to the people paged through paging channels
 * (Slack, email, webhook, ...). Each person's channels are tried in their
 * order (User annotation `multivac.io/paging-channels`, else the default
 * order) until one delivers: every try is a durable job in the paging lane
 * with its state stored and shown on the page, and a failed try records the
 * next one in the same transaction.
 */
export class ChannelPaging {
  private readonly channels: Map<string, PagingChannel>;

  constructor(
    private readonly options: {
      channels: readonly PagingChannel[];
      defaultChannels: string[];
      store: PageDeliveryStore;
      pages: PageStore;
      people: PeopleDirectory;
      links: AcknowledgeLinks;
      jobs: JobQueue;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {
    this.channels = new Map(options.channels.map(c => [c.id, c]));
    options.jobs.registerHandler(DELIVER, job =>
      this.deliver(String(job.payload.deliveryId), job.signal),
    );
  }

  /** Whether any channel can carry pages. */
  get enabled(): boolean {
    return this.channels.size > 0;
  }

  /**
   * Each catalog person's channel order: their annotation's channels that
   * are enabled, else the default order. Read before the page is recorded,
   * so that recording it stays one short transaction.
   */
  async plan(people: OnCallPerson[]): Promise<DeliveryPlan[]> {
    const { catalog, auth, defaultChannels, logger } = this.options;
    const targets = people.filter(
      (p): p is OnCallPerson & { userRef: string } => Boolean(p.userRef),
    );
    if (targets.length === 0 || this.channels.size === 0) {
      return [];
    }
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: targets.map(p => p.userRef),
        fields: ['metadata.annotations'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return targets.map((person, i) => {
      const own = items[i]?.metadata?.annotations?.[ANNOTATION_PAGING_CHANNELS];
      const named = own
        ? own
            .split(',')
            .map(id => id.trim().toLocaleLowerCase('en-US'))
            .filter(Boolean)
        : [];
      const usable = [...new Set(named)].filter(id => this.channels.has(id));
      if (named.length > usable.length) {
        logger.warn(
          `${
            person.userRef
          }: ${ANNOTATION_PAGING_CHANNELS} names channels that are not enabled (${named
            .filter(id => !this.channels.has(id))
            .join(', ')}); enabled: ${[...this.channels.keys()].join(', ')}`,
        );
      }
      return {
        userRef: person.userRef,
        name: person.name,
        channels: usable.length > 0 ? usable : defaultChannels,
      };
    });
  }

  /**
   * In the transaction that pages `level`: the first try of each planned
   * person, and its job.
   */
  async start(
    tx: Transaction,
    page: Pick<PageRecord, 'id' | 'incidentId'>,
    level: number,
    plans: DeliveryPlan[],
  ): Promise<void> {
    for (const plan of plans) {
      if (plan.channels.length > 0) {
        await this.record(tx, page, {
          ...plan,
          pageId: page.id,
          level,
          position: 0,
        });
      }
    }
  }

  /** Adds each page's deliveries. */
  async withDeliveries(pages: PageRecord[]): Promise<PageRecord[]> {
    const byPage = await this.options.store.listForPages(pages.map(p => p.id));
    return pages.map(page => ({
      ...page,
      deliveries: byPage.get(page.id) ?? ([] as PageDelivery[]),
    }));
  }

  private async record(
    tx: Transaction,
    page: Pick<PageRecord, 'incidentId'>,
    delivery: Parameters<PageDeliveryStore['add']>[1],
  ): Promise<void> {
    const id = await this.options.store.add(tx, delivery);
    if (id) {
      await this.options.jobs.enqueue(
        {
          type: DELIVER,
          idempotencyKey: `${DELIVER}:${id}`,
          payload: { deliveryId: id },
          incidentId: page.incidentId,
          lane: 'paging',
        },
        tx,
      );
    }
  }

  /**
   * Runs one try. A try that finds the page no longer triggered is
   * cancelled; a failed one records the person's next channel, or says on
   * the page that none of their channels reached them.
   */
  private async deliver(deliveryId: string, signal: AbortSignal) {
    const { store, pages, people, links } = this.options;
    const delivery = await store.get(deliveryId);
    if (!delivery || delivery.status !== 'pending') {
      return;
    }
    const page = await pages.get(delivery.pageId);
    if (!page || page.status !== 'triggered') {
      await store.finish(
        deliveryId,
        'cancelled',
        `the page was ${page?.status ?? 'deleted'} before it went out`,
      );
      return;
    }
    const channel = this.channels.get(delivery.channel);
    let result: PagingDeliveryResult;
    if (!channel) {
      result = {
        status: 'failed',
        error: `the '${delivery.channel}' channel is no longer enabled`,
      };
    } else {
      const person = (await people.lookup([delivery.userRef])).get(
        delivery.userRef,
      )!;
      try {
        result = await channel.deliver(
          {
            page,
            person,
            acknowledgeUrl: await links.url({
              pageId: page.id,
              userRef: delivery.userRef,
            }),
            deliveryId,
          },
          signal,
        );
      } catch (error) {
        result = { status: 'failed', error: stringifyError(error) };
      }
    }
    if (result.status === 'delivered') {
      await store.finish(deliveryId, 'delivered', result.detail);
      return;
    }
    const next = delivery.position + 1;
    const last = next >= delivery.channels.length;
    const finished = await store.finish(
      deliveryId,
      'failed',
      result.error,
      last
        ? undefined
        : tx => this.record(tx, page, { ...delivery, position: next }),
    );
    if (finished && last) {
      await pages.setDelivery(
        page.id,
        `no paging channel reached ${
          delivery.name
        } (tried ${delivery.channels.join(', ')})`,
      );
    }
  }
}
