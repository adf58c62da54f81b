import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import {
  FAKE_BOT_USER_ID,
  FakeSlack,
  startFakeSlack,
} from './__testUtils__/fakeSlack';
import { ReplicaSettings } from './__testUtils__/replicaProcess';
import { eventually, slackSender } from './__testUtils__/slackBackend';
import { slashCommand } from './__testUtils__/slackPayloads';

jest.setTimeout(300_000);

const ADA = 'U0ADA';
const GRACE = 'U0GRACE';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI && !process.env[POSTGRES_ENV]) {
  throw new Error(`${POSTGRES_ENV} is not set: CI must run this test`);
}

const user = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', annotations },
  spec: { profile: { displayName: name, email: `${name}@nimbus.example` } },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
    },
    spec: {},
    relations: [
      { type: 'hasMember', targetRef: 'user:default/ada.lovelace' },
      { type: 'hasMember', targetRef: 'user:default/grace.hopper' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: {},
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  user('ada.lovelace', { 'slack.com/user-id': ADA }),
  user('grace.hopper', { 'slack.com/user-id': GRACE }),
];

/** Grace is always on call for payments. */
const schedules = [
  {
    id: 'payments-primary',
    name: 'Payments primary',
    timeZone: 'Europe/Berlin',
    layers: [
      {
        name: 'always grace',
        members: ['user:default/grace.hopper'],
        rotation: { type: 'daily' },
        start: '2026-01-01',
      },
    ],
    escalation: [{ timeoutMinutes: 10, targets: [{ type: 'schedule' }] }],
  },
];

interface Replica {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** A backend replica in its own process, so that it can be SIGKILLed. */
async function startReplica(settings: ReplicaSettings): Promise<Replica> {
  const child = fork(join(__dirname, '__testUtils__', 'replicaProcess.ts'), {
    execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      MULTIVAC_REPLICA: JSON.stringify(settings),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise(resolve => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    // The CLI's TypeScript loader sends messages of its own too.
    child.on('message', (message: { port?: number }) => {
      if (typeof message?.port === 'number') {
        resolve(message.port);
      }
    });
    child.once('exit', code =>
      reject(new Error(`replica exited with ${code} before serving`)),
    );
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

// PostgreSQL only: skipped without one (outside CI, which requires it).
const describeOnPostgres = process.env[POSTGRES_ENV] ? describe : describe.skip;

describeOnPostgres('two replicas on one PostgreSQL database', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15'],
    disableDocker: true,
  });
  let fake: FakeSlack;
  const replicas: Replica[] = [];

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [
        { id: ADA, name: 'ada.lovelace', email: 'ada.lovelace@nimbus.example' },
        {
          id: GRACE,
          name: 'grace.hopper',
          email: 'grace.hopper@nimbus.example',
        },
      ],
      channels: [{ name: 'triage', members: [FAKE_BOT_USER_ID, ADA, GRACE] }],
    });
  });
  afterEach(async () => {
    for (const { child, exited } of replicas.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await fake.close();
  });

  it.each(databases.eachSupportedId())(
    'finish the page and the channel of a replica killed mid-flight, exactly once (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const settings: ReplicaSettings = {
        slackUrl: fake.url,
        botToken: fake.botToken,
        connection: knex.client.config.connection,
        entities,
        multivac: {
          onCall: { schedules },
          // A lost lease is taken over within seconds; an attempt may run
          // 4 seconds, longer than this test needs to kill the replica.
          jobs: {
            pollIntervalSeconds: 0.2,
            leaseSeconds: 5,
            timeoutSeconds: 4,
            initialBackoffSeconds: 0.5,
            maxBackoffSeconds: 1,
          },
          slack: {},
        },
      };
      // Slack stalls the first channel creation and the first message of
      // the page to Grace: the first replica hangs in both.
      const channelCreation = fake.stallNext('conversations.create');
      const pageDelivery = fake.stallNext(
        'chat.postMessage',
        args =>
          String(args.channel).startsWith('D') &&
          String(args.text).includes('checkout down'),
      );

      const first = await startReplica(settings);
      replicas.push(first);
      const declared = await slackSender(first.url).command(
        slashCommand({
          text: 'start payments-api sev2 checkout down',
          user_id: ADA,
          channel_id: fake.channel('triage')!.id,
          trigger_id: 'T-start-kill',
        }),
      );
      expect(declared.status).toBe(200);
      await Promise.all([channelCreation, pageDelivery]);

      const second = await startReplica(settings);
      replicas.push(second);
      first.child.kill('SIGKILL');
      await first.exited;

      const channel = await eventually(
        () => fake.channel('inc-1-checkout-down'),
        'the incident channel, created by the second replica',
      );
      const dm = await eventually(
        () =>
          fake
            .messages(fake.channel(`dm-${GRACE}`)?.id ?? '')
            .find(m => m.text?.includes('checkout down')),
        'the page to Grace, delivered by the second replica',
      );
      expect(dm).toBeDefined();
      // Give a duplicate every chance to show up: jobs poll every 0.2 s.
      await new Promise(resolve => setTimeout(resolve, 3000));

      const creations = fake
        .callsTo('conversations.create')
        .filter(call => call.status === 200);
      expect(creations).toHaveLength(1);
      expect(fake.channel(channel.id)?.name).toBe('inc-1-checkout-down');
      const pages = fake
        .messages(fake.channel(`dm-${GRACE}`)!.id)
        .filter(m => m.text?.includes('checkout down'));
      expect(pages).toHaveLength(1);
    },
  );
});
