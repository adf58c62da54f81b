import { MultivacWorkflow, WorkflowJobs } from '@multivac/plugin-multivac-node';

const PORTAL = 'http://portal.example/multivac';

/** The parts of the workflow a test uses, e.g. `{ onCall: { acknowledge } }`. */
export type WorkflowParts = {
  [K in keyof MultivacWorkflow]?: Partial<MultivacWorkflow[K]>;
};

/**
 * The workflow as the core hands it to the bot, in memory: a job queue that
 * keeps one job per idempotency key and runs them when the test says so,
 * the portal's links, and a policy allowing everyone but `denied`. The rest
 * is what the test passes.
 */
export function fakeWorkflow(parts: WorkflowParts = {}, denied: string[] = []) {
  type Handler = Parameters<WorkflowJobs['registerHandler']>[1];
  const handlers = new Map<string, Handler>();
  const pending: Array<{
    key: string;
    type: string;
    payload: Record<string, unknown>;
  }> = [];
  const keys = new Set<string>();
  const jobs: WorkflowJobs = {
    registerHandler: (type, handler) => {
      handlers.set(type, handler);
    },
    async enqueue({ type, idempotencyKey, payload }) {
      if (keys.has(idempotencyKey)) {
        return false;
      }
      keys.add(idempotencyKey);
      pending.push({ key: idempotencyKey, type, payload });
      return true;
    },
  };
  const workflow = {
    jobs,
    authorize: async (userRef: string) => !denied.includes(userRef),
    urls: {
      incident: (reference: string) => `${PORTAL}/incidents/${reference}`,
      report: (reference: string) => `${PORTAL}/reports/${reference}`,
      postmortem: (reference: string) => `${PORTAL}/postmortems/${reference}`,
      release: (reference: string) => `${PORTAL}/releases/${reference}`,
      alerts: (entityRef?: string) =>
        `${PORTAL}/alerts${entityRef ? `?entityRef=${entityRef}` : ''}`,
      alertGroup: (id: string) => `${PORTAL}/alerts/groups/${id}`,
    },
    ...parts,
  } as unknown as MultivacWorkflow;

  /**
   * Runs the jobs enqueued so far, and those they enqueue, once each;
   * returns the types and messages of those that failed.
   */
  async function runJobs(): Promise<string[]> {
    const failures: string[] = [];
    for (let job = pending.shift(); job; job = pending.shift()) {
      const handler = handlers.get(job.type);
      if (!handler) {
        throw new Error(`No handler for job type ${job.type}`);
      }
      try {
        await handler({
          id: job.key,
          payload: job.payload,
          attempt: 1,
          signal: new AbortController().signal,
        });
      } catch (error) {
        failures.push(`${job.type}: ${(error as Error).message}`);
      }
    }
    return failures;
  }

  return { workflow, runJobs, enqueued: () => [...keys] };
}
