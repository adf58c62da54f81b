/*
 * Where a Slack acknowledgement's time goes, measured inside the backend
 * (bench/slack-ack.ts): from Node's HTTP `request` event to the answer's
 * `finish`, the wait for one of the multivac plugin's database connections
 * (knex's pool), and the insert itself (sent to its result). Nothing in the
 * product is changed: a bench-only module of the multivac plugin listens to
 * the plugin's own knex client (the database service hands every module of
 * a plugin the same one), and Node's `http.server.*` diagnostics channels
 * time the requests.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

const ACK_PATH = '/api/multivac/slack/commands';

export interface AckTimings {
  /** Backend time per acknowledgement: `request` event to `finish`, ms. */
  server: number[];
  /** Wait for a pooled connection before each acknowledgement's insert, ms. */
  acquire: number[];
  /** The insert, from sent to its result (with its commit), ms. */
  insert: number[];
  /** Waits for a connection by anything else (the job worker's queries), ms. */
  otherAcquire: number[];
  /** Most connections in use at once. */
  peakInUse: number;
  /** Stops recording and returns to empty lists (the warm-up is dropped). */
  reset(): void;
  /** Stops listening. */
  close(): void;
}

/** Records the timings; `module` goes into the backend's features. */
export function recordAckTimings() {
  const timings: AckTimings = {
    server: [],
    acquire: [],
    insert: [],
    otherAcquire: [],
    peakInUse: 0,
    reset() {
      timings.server = [];
      timings.acquire = [];
      timings.insert = [];
      timings.otherAcquire = [];
      timings.peakInUse = 0;
    },
    close() {
      unsubscribe('http.server.request.start', onStart);
      unsubscribe('http.server.response.finish', onFinish);
    },
  };

  const started = new WeakMap<IncomingMessage, number>();
  const onStart = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    if (request.url === ACK_PATH) {
      started.set(request, performance.now());
    }
  };
  const onFinish = (message: unknown) => {
    const { request } = message as {
      request: IncomingMessage;
      response: ServerResponse;
    };
    const at = started.get(request);
    if (at !== undefined) {
      timings.server.push(performance.now() - at);
    }
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);

  const module = createBackendModule({
    pluginId: 'multivac',
    moduleId: 'bench-ack-timings',
    register(reg) {
      reg.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          const knex = await database.getClient();
          const client = knex.client as any;
          const pool = client.pool;
          const requested = new Map<number, number>();
          /** A connection's wait, until its next query says whose it was. */
          const waited = new Map<string, number>();
          pool.on('acquireRequest', (eventId: number) => {
            requested.set(eventId, performance.now());
          });
          pool.on(
            'acquireSuccess',
            (eventId: number, connection: { __knexUid: string }) => {
              const at = requested.get(eventId);
              requested.delete(eventId);
              if (at !== undefined) {
                waited.set(connection.__knexUid, performance.now() - at);
              }
              timings.peakInUse = Math.max(timings.peakInUse, pool.numUsed());
            },
          );
          const sent = new Map<string, number>();
          knex.on(
            'query',
            (query: {
              sql: string;
              __knexUid: string;
              __knexQueryUid: string;
            }) => {
              const wait = waited.get(query.__knexUid);
              waited.delete(query.__knexUid);
              if (isAckInsert(query.sql)) {
                sent.set(query.__knexQueryUid, performance.now());
                if (wait !== undefined) {
                  timings.acquire.push(wait);
                }
              } else if (wait !== undefined) {
                timings.otherAcquire.push(wait);
              }
            },
          );
          knex.on(
            'query-response',
            (_: unknown, query: { __knexQueryUid: string }) => {
              const at = sent.get(query.__knexQueryUid);
              if (at !== undefined) {
                sent.delete(query.__knexQueryUid);
                timings.insert.push(performance.now() - at);
              }
            },
          );
        },
      });
    },
  });
  return { timings, module };
}

/** The inbox's one statement: the job's insert (either database's quoting). */
function isAckInsert(sql: string) {
  return /^insert into [`"]multivac_jobs[`"]/i.test(sql);
}
