import { signalApiRef } from '@backstage/plugin-signals-react';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { fakeSignalApi } from '../__testUtils__/signals';
import {
  LIVE_REFRESH_DELAY_MS,
  useLiveRefresh,
  useLiveVersion,
} from './useLiveRefresh';

describe('useLiveRefresh', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function withSignals(signals = fakeSignalApi()) {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {children}
      </TestApiProvider>
    );
    return { signals, wrapper };
  }

  const change = { kind: 'incident', id: 'incident-1', at: 'now' };

  it('refreshes once for a burst of signals on its channel, not for others', () => {
    const { signals, wrapper } = withSignals();
    const refresh = jest.fn();
    renderHook(() => useLiveRefresh('multivac:incident:incident-1', refresh), {
      wrapper,
    });
    expect(signals.channels()).toEqual(['multivac:incident:incident-1']);

    act(() => {
      signals.emit('multivac:incident:incident-1', change);
      signals.emit('multivac:incident:incident-1', change);
      signals.emit('multivac:incident:other', change);
    });
    expect(refresh).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(LIVE_REFRESH_DELAY_MS));
    expect(refresh).toHaveBeenCalledTimes(1);

    // A later change refreshes again.
    act(() => {
      signals.emit('multivac:incident:incident-1', change);
      jest.advanceTimersByTime(LIVE_REFRESH_DELAY_MS);
    });
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('calls the latest refresh without subscribing again, and unsubscribes on unmount', () => {
    const { signals, wrapper } = withSignals();
    const subscribe = jest.spyOn(signals.api, 'subscribe');
    const first = jest.fn();
    const second = jest.fn();
    const { rerender, unmount } = renderHook(
      ({ refresh }) => useLiveRefresh('multivac:incidents', refresh),
      { wrapper, initialProps: { refresh: first } },
    );
    rerender({ refresh: second });
    expect(subscribe).toHaveBeenCalledTimes(1);
    act(() => {
      signals.emit('multivac:incidents', change);
      jest.advanceTimersByTime(LIVE_REFRESH_DELAY_MS);
    });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);

    unmount();
    expect(signals.channels()).toEqual([]);
  });

  it('waits for a channel, and does nothing without the signals plugin', () => {
    const { signals, wrapper } = withSignals();
    renderHook(() => useLiveRefresh(undefined, jest.fn()), { wrapper });
    expect(signals.channels()).toEqual([]);

    const refresh = jest.fn();
    renderHook(() => useLiveRefresh('multivac:incidents', refresh), {
      wrapper: ({ children }) => (
        <TestApiProvider apis={[]}>{children}</TestApiProvider>
      ),
    });
    act(() => jest.advanceTimersByTime(LIVE_REFRESH_DELAY_MS));
    expect(refresh).not.toHaveBeenCalled();
  });

  it('counts the changes for a read to depend on', () => {
    const { signals, wrapper } = withSignals();
    const { result } = renderHook(() => useLiveVersion('multivac:incidents'), {
      wrapper,
    });
    expect(result.current).toBe(0);
    act(() => {
      signals.emit('multivac:incidents', change);
      jest.advanceTimersByTime(LIVE_REFRESH_DELAY_MS);
    });
    expect(result.current).toBe(1);
  });
});
