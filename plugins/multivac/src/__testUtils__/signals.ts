import { SignalApi } from '@backstage/plugin-signals-react';

/** A signal's message (`JsonObject`, which this package does not depend on). */
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/**
 * A signal API for component tests: `emit` delivers a message to the
 * channel's subscribers as the signals backend would.
 */
export function fakeSignalApi() {
  const subscribers = new Map<string, Set<(message: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe<TMessage extends JsonObject = JsonObject>(
      channel: string,
      onMessage: (message: TMessage) => void,
    ) {
      const callback = onMessage as (message: JsonObject) => void;
      const set = subscribers.get(channel) ?? new Set();
      set.add(callback);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(callback) };
    },
  };
  return {
    api,
    /** Channels with a subscriber now. */
    channels: () =>
      [...subscribers].filter(([, set]) => set.size > 0).map(([c]) => c),
    emit(channel: string, message: JsonObject) {
      for (const callback of subscribers.get(channel) ?? []) {
        callback(message);
      }
    },
  };
}
