/*
 * Pieces of PagerDuty's REST API as its OpenAPI description states them
 * (shared/vendor-specs/pagerduty-rest-openapiv3.json, server
 * https://api.pagerduty.com), shared by the fakes written from it: the
 * benchmark's read-only account (bench/fakePagerDutyFromSpec.ts) and the
 * schedule reconcile's writable one (fakePagerDutySchedules.ts).
 */

export const SPEC_API = 'https://api.pagerduty.com';

/** The spec's generic error body (`components.schemas.Error`). */
export function specError(message: string, code: number, errors?: string[]) {
  return { error: { message, code, ...(errors && { errors }) } };
}

/** `<Type>Reference`: id, type, summary, self and html_url. */
export function specReference(
  htmlBase: string,
  type: string,
  id: string,
  summary: string,
  path: string,
) {
  return {
    id,
    type: `${type}_reference`,
    summary,
    self: `${SPEC_API}/${path}/${id}`,
    html_url: `${htmlBase}/${path}/${id}`,
  };
}

/**
 * Classic pagination (`components.parameters.offset_limit`,
 * `offset_offset`; `Pagination`): `limit` 1..100 (default 25), `offset`
 * from 0, `more`, and `total` null as when `total=true` is not asked.
 */
export function specPage<T>(
  records: T[],
  query: URLSearchParams,
  key: string,
): Record<string, unknown> | { status: number; error: string } {
  const limit = Number(query.get('limit') ?? 25);
  const offset = Number(query.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return { status: 400, error: 'limit must be between 1 and 100' };
  }
  if (!Number.isInteger(offset) || offset < 0) {
    return { status: 400, error: 'offset must be a positive integer' };
  }
  return {
    [key]: records.slice(offset, offset + limit),
    limit,
    offset,
    more: offset + limit < records.length,
    total: null,
  };
}
