import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { WebClient } from '@slack/web-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { FakeSlack } from '../__testUtils__/fakeSlack';
import {
  ADA,
  catalogDown,
  GRACE,
  startTeamSlack,
  STRANGER,
  teamCatalog,
} from '../__testUtils__/slackBot';
import { SlackUsers } from '../users/SlackUsers';
import { SlackActors } from './SlackActors';
import { SlackAnswers } from './SlackAnswers';
import { ResponseUrls } from './ResponseUrls';

describe('SlackActors', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await startTeamSlack(['triage']);
  });
  afterEach(() => fake.close());

  function actors(
    catalog: CatalogService = catalogServiceMock({ entities: teamCatalog }),
  ) {
    const logger = mockServices.logger.mock();
    const client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    const answers = new SlackAnswers({
      client,
      responseUrls: new ResponseUrls({ hooksUrl: fake.hooksUrl, logger }),
      logger,
    });
    return new SlackActors({
      users: new SlackUsers(client, catalog, mockServices.auth()),
      answers,
      logger,
    });
  }

  it('finds the catalog user by Slack id annotation, else by the email Slack has', async () => {
    const slackActors = actors();

    expect(await slackActors.lookup({ slackUserId: ADA })).toEqual({
      actor: { userRef: 'user:default/ada.lovelace', name: 'ada.lovelace' },
    });
    expect(await slackActors.lookup({ slackUserId: GRACE })).toEqual({
      actor: { userRef: 'user:default/grace.hopper', name: 'grace.hopper' },
    });
  });

  it('refuses someone the catalog does not have, politely', async () => {
    expect(await actors().lookup({ slackUserId: STRANGER })).toEqual({
      refusal: expect.stringMatching(
        /^Sorry, I cannot find you in the Backstage catalog/,
      ),
      failed: false,
    });
  });

  it('says what failed when the catalog does not answer', async () => {
    expect(await actors(catalogDown()).lookup({ slackUserId: ADA })).toEqual({
      refusal:
        'Sorry, I could not find out who you are in Backstage (the catalog is down), so I did nothing. Try again in a moment.',
      failed: true,
    });
  });

  it("says what failed when Slack's users.info does not answer", async () => {
    fake.failNext('users.info', 'fatal_error');

    expect(await actors().lookup({ slackUserId: GRACE })).toEqual({
      refusal:
        'Sorry, I could not find out who you are in Backstage (Slack answered `fatal_error`), so I did nothing. Try again in a moment.',
      failed: true,
    });
  });

  it('tells the person in the channel why it cannot act for them', async () => {
    const triage = fake.channel('triage')!.id;
    fake.failNext('users.info', 'fatal_error');

    expect(
      await actors().actorFor({ slackUserId: GRACE, channelId: triage }),
    ).toBeUndefined();
    expect(fake.ephemerals(triage)).toEqual([
      expect.objectContaining({
        user: GRACE,
        text: expect.stringContaining('Slack answered `fatal_error`'),
      }),
    ]);
  });
});
