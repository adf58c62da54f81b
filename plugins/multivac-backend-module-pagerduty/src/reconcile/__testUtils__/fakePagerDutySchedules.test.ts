import {
  FakePagerDutySchedules,
  startFakePagerDutySchedules,
} from './fakePagerDutySchedules';
import {
  handMadePolicy,
  pagerDutyUsers,
  paymentsService,
} from './scheduleFixtures';

/** The fake refuses what PagerDuty's OpenAPI description does not allow. */
describe('startFakePagerDutySchedules', () => {
  let fake: FakePagerDutySchedules;

  beforeEach(async () => {
    fake = await startFakePagerDutySchedules({
      users: pagerDutyUsers,
      services: [paymentsService],
      escalationPolicies: [handMadePolicy],
    });
  });
  afterEach(() => fake.close());

  function send(
    method: string,
    path: string,
    body?: unknown,
    token = fake.apiToken,
  ) {
    return fetch(`${fake.url}${path}`, {
      method,
      headers: {
        Authorization: `Token token=${token}`,
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  const layer = {
    start: '2026-01-05T09:00:00+01:00',
    rotation_virtual_start: '2026-01-05T09:00:00+01:00',
    rotation_turn_length_seconds: 604800,
    users: [{ user: { id: 'PADA', type: 'user_reference' } }],
  };

  it('creates and reads a schedule that follows the spec', async () => {
    const created = await send('POST', '/schedules', {
      schedule: {
        type: 'schedule',
        name: 'Payments',
        time_zone: 'Europe/Berlin',
        schedule_layers: [layer],
      },
    });
    expect(created.status).toBe(201);
    const { schedule } = await created.json();
    const read = await send('GET', `/schedules/${schedule.id}`);
    expect((await read.json()).schedule.schedule_layers[0]).toMatchObject({
      id: expect.any(String),
      users: [{ user: { id: 'PADA', type: 'user_reference' } }],
    });
    expect(fake.writes).toHaveLength(1);
  });

  it.each<[string, string, unknown, string]>([
    [
      'POST',
      '/schedules',
      { schedule: { type: 'schedule' } },
      'schedule.time_zone is required',
    ],
    [
      'POST',
      '/schedules',
      {
        schedule: {
          type: 'schedule',
          time_zone: 'UTC',
          schedule_layers: [{ ...layer, rotation_turn_length_seconds: 1.5 }],
        },
      },
      'schedule.schedule_layers[0].rotation_turn_length_seconds must be an integer',
    ],
    [
      'POST',
      '/schedules',
      {
        schedule: {
          type: 'schedule',
          time_zone: 'UTC',
          schedule_layers: [{ ...layer, start: '2026-01-05' }],
        },
      },
      'schedule.schedule_layers[0].start must be a date-time',
    ],
    [
      'POST',
      '/schedules',
      {
        schedule: {
          type: 'schedule',
          time_zone: 'UTC',
          schedule_layers: [
            {
              ...layer,
              restrictions: [
                {
                  type: 'weekly_restriction',
                  start_time_of_day: '09:00:00',
                  duration_seconds: 60,
                },
              ],
            },
          ],
        },
      },
      'schedule.schedule_layers[0].restrictions[0].start_day_of_week must be an integer 1..7',
    ],
    [
      'POST',
      '/schedules',
      {
        schedule: {
          type: 'schedule',
          time_zone: 'UTC',
          schedule_layers: [
            { ...layer, users: [{ user: { id: 'PADA', type: 'user' } }] },
          ],
        },
      },
      'schedule.schedule_layers[0].users[0].user must be a user_reference',
    ],
    [
      'POST',
      '/escalation_policies',
      {
        escalation_policy: {
          type: 'escalation_policy',
          name: 'x',
          escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [] }],
        },
      },
      'escalation_policy.escalation_rules[0].targets must have 1 to 10 items',
    ],
    [
      'POST',
      '/escalation_policies',
      {
        escalation_policy: {
          type: 'escalation_policy',
          name: 'x',
          escalation_rules: [
            {
              escalation_delay_in_minutes: 5,
              targets: [{ id: 'PNONE', type: 'schedule_reference' }],
            },
          ],
        },
      },
      'escalation_policy.escalation_rules[0].targets[0]: no schedule_reference PNONE',
    ],
    [
      'PUT',
      '/services/PSVC1',
      {
        service: {
          escalation_policy: { id: 'PEPOLD', type: 'escalation_policy' },
        },
      },
      'service.escalation_policy must be an escalation_policy_reference',
    ],
  ])(
    'refuses %s %s with a body the spec does not allow',
    async (method, path, body, problem) => {
      const answer = await send(method, path, body);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: [problem],
        },
      });
      expect(fake.writes).toEqual([]);
    },
  );

  it('needs the token, and answers faults as asked', async () => {
    expect((await send('GET', '/users', undefined, 'wrong')).status).toBe(401);
    fake.fault({ route: 'GET /users', answer: 429, retryAfterSeconds: 7 });
    const limited = await send('GET', '/users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await send('GET', '/users')).status).toBe(200);
    fake.fault({ answer: 'network' });
    await expect(send('GET', '/users')).rejects.toThrow();
  });
});
