import { ConflictError } from '@backstage/errors';
import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import {
  SlackBlockAction,
  SlackBlockActions,
  SlackCommand,
  SlackEvent,
  SlackViewSubmission,
  SlackViewSubmissionAck,
} from '../transport/types';
import { Audience } from './SlackAnswers';

/** One clicked button (or changed element) of a `block_actions` payload. */
export interface SlackButtonClick {
  action: SlackBlockAction;
  /** The payload it came in: who clicked, and where. */
  payload: SlackBlockActions;
}

/**
 * What each kind of route handles, and what its `id` is matched against:
 * the slash command (`/multivac`), the button's `action_id`, the modal's
 * `callback_id`, the event's `type`.
 */
interface SlackRouteKinds {
  command: { input: SlackCommand; result: void };
  action: { input: SlackButtonClick; result: void };
  /** Handled while Slack waits: the result is the modal's answer. */
  view: { input: SlackViewSubmission; result: SlackViewSubmissionAck };
  event: { input: SlackEvent; result: void };
}

export type SlackRouteKind = keyof SlackRouteKinds;
export type SlackRouteInput<K extends SlackRouteKind> =
  SlackRouteKinds[K]['input'];

/** What a route handler gets besides the input. */
export interface SlackRouteContext {
  workflow: MultivacWorkflow;
  /** Who sent it, and where to answer them. */
  audience: Audience;
  /** The delivery's, the same when Slack sends it again: an idempotency key. */
  dedupKey: string;
}

export interface SlackRouteOf<K extends SlackRouteKind> {
  kind: K;
  /** An exact id, or a pattern for several. */
  id: string | RegExp;
  handle(
    input: SlackRouteInput<K>,
    context: SlackRouteContext,
  ): Promise<SlackRouteKinds[K]['result']>;
}

/** A handler for one kind of Slack input with one id (or pattern). */
export type SlackRoute = {
  [K in SlackRouteKind]: SlackRouteOf<K>;
}[SlackRouteKind];

/** A route for events of one type, whose handler gets that type's event. */
export function eventRoute<T extends SlackEvent['type']>(
  type: T,
  handle: (
    event: Extract<SlackEvent, { type: T }>,
    context: SlackRouteContext,
  ) => Promise<void>,
): SlackRouteOf<'event'> {
  return {
    kind: 'event',
    id: type,
    // The route is only found for events whose type is its id.
    handle: (event, context) =>
      handle(event as Extract<SlackEvent, { type: T }>, context),
  };
}

const sameId = (a: string | RegExp, b: string | RegExp) =>
  typeof a === 'string' || typeof b === 'string'
    ? a === b
    : a.source === b.source && a.flags === b.flags;

/**
 * Where Slack input goes: slash commands, button clicks, modal submissions
 * and events each find their handler by kind and id, exact ids before
 * patterns (in the order they were added). One route per kind and id.
 */
export class SlackRoutes {
  private readonly routes = new Map<SlackRouteKind, SlackRoute[]>();

  constructor(routes: SlackRoute[] = []) {
    routes.forEach(route => this.add(route));
  }

  /** Throws ConflictError when the kind already has a route with that id. */
  add(route: SlackRoute): void {
    const ofKind = this.routes.get(route.kind) ?? [];
    if (ofKind.some(other => sameId(other.id, route.id))) {
      throw new ConflictError(
        `A Slack ${route.kind} route for ${route.id} is already registered`,
      );
    }
    this.routes.set(route.kind, [...ofKind, route]);
  }

  find<K extends SlackRouteKind>(
    kind: K,
    id: string,
  ): SlackRouteOf<K> | undefined {
    const ofKind = (this.routes.get(kind) ?? []) as SlackRouteOf<K>[];
    return (
      ofKind.find(route => route.id === id) ??
      ofKind.find(route => route.id instanceof RegExp && route.id.test(id))
    );
  }
}
