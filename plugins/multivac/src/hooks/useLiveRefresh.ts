import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { useEffect, useReducer, useRef } from 'react';

/**
 * Signals that come within this time of the first one cause one refetch
 * (declaring an incident is several changes in a row).
 */
export const LIVE_REFRESH_DELAY_MS = 250;

/**
 * Calls `refresh` when the backend signals a change on `channel` (one of
 * `liveChannels` from `@multivac/plugin-multivac-common`), so a page shows
 * changes made elsewhere (Slack, another browser, a webhook) without a
 * reload. The signal only says what changed: `refresh` re-reads it through
 * the REST API, which checks the viewer's permissions.
 *
 * Does nothing while `channel` is undefined (e.g. before the incident's id
 * is known) or when the app has no signals plugin; it uses the signal API
 * directly rather than `useSignal`, which needs a channel on every render
 * and refetches only when a message differs from the last one.
 */
export function useLiveRefresh(
  channel: string | undefined,
  refresh: () => void,
): void {
  const signals = useApiHolder().get(signalApiRef);
  // The latest callback, without subscribing again when it changes
  // (`useAsyncRetry`'s `retry` changes after every read).
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  }, [refresh]);

  useEffect(() => {
    if (!signals || !channel) {
      return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { unsubscribe } = signals.subscribe(channel, () => {
      if (timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          latest.current();
        }, LIVE_REFRESH_DELAY_MS);
      }
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [signals, channel]);
}

/**
 * A number that grows with each change signalled on `channel`: put it in
 * the dependencies of the read (`useAsync(read, [query, live])`).
 */
export function useLiveVersion(channel: string | undefined): number {
  const [version, next] = useReducer((n: number) => n + 1, 0);
  useLiveRefresh(channel, next);
  return version;
}
