import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { user } from '@multivac/plugin-multivac-node/testUtils';
import knexFactory from 'knex';
import { createSlackBot } from '../bot/createSlackBot';
import { CommandRegistry } from '../commands/CommandRegistry';
import { incidentCommands } from '../commands/incidentCommands';
import { SlackConfig } from '../config';
import { SlackStore } from '../database/SlackStore';
import { FakeSlack, FAKE_BOT_USER_ID, startFakeSlack } from './fakeSlack';
import { fakeWorkflow, WorkflowParts } from './fakeWorkflow';
import { createSlackWebClient } from '../slackWebClient';

/** Slack ids of the people in the bot's tests. */
export const ADA = 'U0ADA';
export const GRACE = 'U0GRACE';
export const KEN = 'U0KEN';
export const STRANGER = 'U0STRANGER';

/**
 * Ada is found by her Slack id annotation, Grace and Ken by the email
 * Slack has for them; the stranger is not in the catalog.
 */
export const teamCatalog: Entity[] = [
  user('ada.lovelace', {
    email: 'ada.lovelace@nimbus.example',
    annotations: { 'slack.com/user-id': ADA },
  }),
  user('grace.hopper', { email: 'grace.hopper@nimbus.example' }),
  user('ken.thompson', { email: 'ken.thompson@nimbus.example' }),
];

/** A fake Slack with the people above, all in each of `channels`. */
export function startTeamSlack(channels: string[] = []): Promise<FakeSlack> {
  const people = [ADA, GRACE, KEN, STRANGER];
  return startFakeSlack({
    users: [
      { id: ADA, name: 'ada.lovelace' },
      { id: GRACE, name: 'grace', email: 'grace.hopper@nimbus.example' },
      { id: KEN, name: 'ken', email: 'ken.thompson@nimbus.example' },
      {
        id: STRANGER,
        name: 'stranger',
        real_name: 'A. Stranger',
        email: 'who@elsewhere.example',
      },
    ],
    channels: channels.map(name => ({
      name,
      members: [FAKE_BOT_USER_ID, ...people],
    })),
  });
}

/** A catalog that does not answer. */
export function catalogDown(): CatalogService {
  const down = async () => {
    throw new Error('the catalog is down');
  };
  return {
    ...catalogServiceMock(),
    getEntities: down,
    getEntityByRef: down,
  };
}

/**
 * The bot as the module wires it, against `fake`, with its store in an
 * in-memory SQLite database and the workflow of {@link fakeWorkflow},
 * connected as the multivac plugin does at start-up. The catalog is
 * `teamCatalog` unless other `entities` or a `catalog` are given.
 */
export async function startSlackBot(options: {
  fake: FakeSlack;
  entities?: Entity[];
  catalog?: CatalogService;
  workflow?: WorkflowParts;
  /** Catalog users the policy denies everything. */
  denied?: string[];
  config?: Partial<SlackConfig>;
}) {
  const { fake } = options;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await SlackStore.create({ getClient: async () => knex });
  const logger = mockServices.logger.mock();
  const config: SlackConfig = {
    botToken: fake.botToken,
    signingSecret: 'test-signing-secret',
    apiUrl: fake.url,
    hooksUrl: fake.hooksUrl,
    command: '/multivac',
    keyMessageReaction: 'pushpin',
    identity: { mapping: 'email', cacheTtlSeconds: 300, cacheSize: 1000 },
    channelCacheSeconds: 300,
    ...options.config,
  };
  const bot = createSlackBot({
    client: createSlackWebClient(fake.botToken, { apiUrl: fake.url }),
    store,
    catalog:
      options.catalog ??
      catalogServiceMock({ entities: options.entities ?? teamCatalog }),
    auth: mockServices.auth(),
    commands: new CommandRegistry(incidentCommands, config.command, logger),
    config,
    logger,
  });
  const { workflow, runJobs, enqueued } = fakeWorkflow(
    options.workflow,
    options.denied,
  );
  for (const contribution of [
    ...bot.clients,
    bot.incidentChannels,
    bot.triageReportMessages,
    bot.releaseNotices,
  ]) {
    await contribution.connect(workflow);
  }
  return {
    bot,
    store,
    workflow,
    runJobs,
    enqueued,
    logger,
    close: () => knex.destroy(),
  };
}
