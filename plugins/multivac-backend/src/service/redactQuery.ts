import { RequestHandler } from 'express';

/**
 * Replaces the values of `names` in the request's URL with `***` before
 * anything logs it: Backstage's request log writes `req.originalUrl` once
 * the response is sent, and some clients (calendar apps) can only carry
 * their credential in the query string.
 */
export function redactQuery(...names: string[]): RequestHandler {
  return (req, _res, next) => {
    const queryStart = req.originalUrl.indexOf('?');
    if (queryStart >= 0) {
      const params = new URLSearchParams(req.originalUrl.slice(queryStart + 1));
      let redacted = false;
      for (const name of names) {
        if (params.has(name)) {
          params.set(name, '***');
          redacted = true;
        }
      }
      if (redacted) {
        req.originalUrl = `${req.originalUrl.slice(0, queryStart)}?${params}`;
      }
    }
    next();
  };
}
