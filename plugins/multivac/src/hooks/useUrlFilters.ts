import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * A list's filters and page kept in the query string, so a filtered view can
 * be shared and survives a reload. Each filter has a default, left out of the
 * URL; a value not in `allowed` (a mistyped link) reads as the default. A
 * filter change goes back to the first page. The URL is replaced, not
 * pushed: Back leaves the list instead of stepping through its filters.
 */
export function useUrlFilters<K extends string>(
  defaults: Record<K, string>,
  allowed: Partial<Record<K, readonly string[]>> = {},
) {
  const [params, setParams] = useSearchParams();
  const keys = Object.keys(defaults) as K[];

  const filters = useMemo(() => {
    const read = {} as Record<K, string>;
    for (const key of keys) {
      const value = params.get(key);
      const options = allowed[key];
      read[key] =
        value !== null && (!options || options.includes(value))
          ? value
          : defaults[key];
    }
    return read;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);
  const raw = Number(params.get('page') ?? 0);
  const page = Number.isInteger(raw) && raw > 0 ? raw : 0;

  const write = useCallback(
    (next: Record<K, string>, nextPage: number) => {
      const query = new URLSearchParams(params);
      for (const key of keys) {
        if (next[key] === defaults[key]) {
          query.delete(key);
        } else {
          query.set(key, next[key]);
        }
      }
      if (nextPage > 0) {
        query.set('page', String(nextPage));
      } else {
        query.delete('page');
      }
      setParams(query, { replace: true });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [params.toString(), setParams],
  );

  const setFilter = (key: K, value: string) =>
    write({ ...filters, [key]: value }, 0);
  const setPage = (next: number) => write(filters, next);

  return { filters, page, setFilter, setPage, query: params.toString() };
}
