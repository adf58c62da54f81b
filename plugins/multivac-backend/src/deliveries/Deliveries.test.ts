import { EnqueueRequest, JobHandler, JobQueue } from '../jobs/JobQueue';
import { Deliveries } from './Deliveries';

/** Records what is enqueued and runs it on demand. */
function recordingQueue() {
  const handlers = new Map<string, JobHandler>();
  const enqueued: EnqueueRequest[] = [];
  const queue: JobQueue = {
    registerHandler: (type, handler) => {
      handlers.set(type, handler);
    },
    registerBatchHandler: () => {
      throw new Error('Deliveries registers no batch handler');
    },
    enqueue: async request => {
      enqueued.push(request);
      return true;
    },
    listForIncident: async () => [],
    latestForIncident: async () => ({ items: [], totalCount: 0 }),
  };
  const run = (request: EnqueueRequest) =>
    handlers.get(request.type)!({
      id: request.idempotencyKey,
      type: request.type,
      incidentId: request.incidentId,
      payload: request.payload,
      attempt: 1,
      signal: new AbortController().signal,
      deadline: new Date(Date.now() + 60_000),
    });
  return { queue, enqueued, run };
}

describe('Deliveries', () => {
  const subjects = new Map([['n1', { text: 'rolled back' }]]);
  const received: string[] = [];
  const subscriber = (id: string) => ({
    id,
    onNote: async (text: string, change: string) => {
      received.push(`${id}: ${change} ${text}`);
    },
  });

  function deliveries(queue: JobQueue) {
    return new Deliveries(queue, [subscriber('slack'), subscriber('audit')], {
      jobPrefix: 'note-subscriber',
      idField: 'noteId',
      load: async id => subjects.get(id),
      deliver: (s, subject, change) => s.onNote(subject.text, change),
    });
  }

  it('records one job per subscriber, ordered per subscriber and incident', async () => {
    const { queue, enqueued } = recordingQueue();
    await deliveries(queue).changed(
      { id: 'n1', incidentId: 'i1' },
      'added',
      'k',
    );
    expect(enqueued).toEqual([
      {
        type: 'note-subscriber:slack',
        idempotencyKey: 'note-subscriber:slack:n1:added:k',
        incidentId: 'i1',
        orderKey: 'note-subscriber:slack:i1',
        payload: { noteId: 'n1', change: 'added' },
      },
      expect.objectContaining({ orderKey: 'note-subscriber:audit:i1' }),
    ]);
  });

  it('leaves changes without an incident unordered', async () => {
    const { queue, enqueued } = recordingQueue();
    await deliveries(queue).changed({ id: 'n1' }, 'added', 'k');
    expect(enqueued.map(r => r.orderKey)).toEqual([undefined, undefined]);
  });

  it('orders changes without an incident per subscriber and subject when the kind asks', async () => {
    const { queue, enqueued } = recordingQueue();
    await new Deliveries(queue, [subscriber('slack')], {
      jobPrefix: 'group-subscriber',
      idField: 'groupId',
      orderBySubject: true,
      load: async id => subjects.get(id),
      deliver: (s, subject, change) => s.onNote(subject.text, change),
    }).changed({ id: 'g1' }, 'opened', 'k');
    expect(enqueued.map(r => r.orderKey)).toEqual([
      'group-subscriber:slack:g1',
    ]);
  });

  it('hands each subscriber the subject as it is when the job runs', async () => {
    const { queue, enqueued, run } = recordingQueue();
    await deliveries(queue).changed({ id: 'n1' }, 'added', 'k');
    subjects.set('n1', { text: 'rolled back twice' });
    for (const request of enqueued) await run(request);
    expect(received).toEqual([
      'slack: added rolled back twice',
      'audit: added rolled back twice',
    ]);
  });

  it('fails the job when the subject is gone, naming it', async () => {
    const { queue, enqueued, run } = recordingQueue();
    await deliveries(queue).changed({ id: 'gone' }, 'added', 'k');
    await expect(run(enqueued[0])).rejects.toThrow(
      'note-subscriber: noteId gone no longer exists',
    );
  });
});
