import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';

/**
 * Changes made from a details page: while one runs the page is `busy`; a
 * failure is shown as an alert (and rethrown so a form can keep its input);
 * either way the page reloads what it shows.
 */
export function useReloadingChange(reload: () => void) {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);

  const act = useCallback(
    async (change: () => Promise<unknown>) => {
      setBusy(true);
      try {
        await change();
      } catch (err) {
        alertApi.post({ message: (err as Error).message, severity: 'error' });
        throw err;
      } finally {
        setBusy(false);
        reload();
      }
    },
    [alertApi, reload],
  );
  /** For buttons: the alert is all the feedback needed. */
  const quietly = useCallback(
    (change: () => Promise<unknown>) => act(change).catch(() => {}),
    [act],
  );

  return { busy, act, quietly };
}
