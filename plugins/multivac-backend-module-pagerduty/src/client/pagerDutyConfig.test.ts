import { ConfigReader } from '@backstage/config';
import { pagerDutyClientsFromConfig } from './pagerDutyConfig';
import { PagerDutyEventsClient } from './PagerDutyEventsClient';

const DEFAULT_SCOPES =
  'services.read escalation_policies.read schedules.read users.read ' +
  'users:contact_methods.read oncalls.read incidents.read incidents.write';

describe('pagerDutyClientsFromConfig', () => {
  const fromConfig = (pagerDuty: object) =>
    pagerDutyClientsFromConfig(new ConfigReader({ multivac: { pagerDuty } }));

  it('defaults to the PagerDuty US service region', () => {
    const clients = fromConfig({ apiToken: 'token' });

    expect([...clients.values()].map(c => c.account)).toEqual([
      {
        id: 'default',
        apiToken: 'token',
        apiBaseUrl: 'https://api.pagerduty.com',
        eventsBaseUrl: 'https://events.pagerduty.com',
      },
    ]);
  });

  it('makes one client per account; base URLs default to the top-level ones', () => {
    const clients = fromConfig({
      apiToken: 'token',
      apiBaseUrl: 'https://api.eu.pagerduty.com/',
      accounts: [
        { id: 'eu', apiToken: 'eu-token' },
        {
          id: 'us',
          apiToken: 'us-token',
          apiBaseUrl: 'https://api.pagerduty.com',
          eventsBaseUrl: 'https://events.pagerduty.com',
        },
      ],
    });

    expect([...clients.keys()]).toEqual(['default', 'eu', 'us']);
    const eu = clients.get('eu')!;
    expect(eu.rest.account).toBe(eu.account);
    expect(eu.events).toBeInstanceOf(PagerDutyEventsClient);
    expect(clients.get('eu')!.account).toEqual({
      id: 'eu',
      apiToken: 'eu-token',
      apiBaseUrl: 'https://api.eu.pagerduty.com',
      eventsBaseUrl: 'https://events.pagerduty.com',
    });
    expect(clients.get('us')!.account.apiBaseUrl).toBe(
      'https://api.pagerduty.com',
    );
  });

  it('rejects repeated account ids, default included', () => {
    expect(() =>
      fromConfig({
        apiToken: 'token',
        accounts: [{ id: 'default', apiToken: 'other' }],
      }),
    ).toThrow(
      "multivac.pagerDuty.accounts: id 'default' is used more than once ('default' is the top-level account)",
    );
  });

  it('rejects a base URL that is not absolute', () => {
    expect(() =>
      fromConfig({ apiToken: 'token', eventsBaseUrl: 'events.pagerduty' }),
    ).toThrow(
      "PagerDuty eventsBaseUrl 'events.pagerduty' in multivac.pagerDuty is not an absolute URL",
    );
  });

  it('needs the top-level apiToken or oauth', () => {
    expect(() => fromConfig({ accounts: [] })).toThrow(
      'Set exactly one of multivac.pagerDuty.apiToken and multivac.pagerDuty.oauth (found neither)',
    );
  });

  const oauth = {
    clientId: 'multivac-app',
    clientSecret: 'app-secret',
    subdomain: 'nimbus',
  };

  it('reads an OAuth client with defaults for region, scopes and token URL', () => {
    const clients = fromConfig({
      oauth,
      fromEmail: 'multivac@nimbus.example',
      accounts: [
        {
          id: 'eu',
          oauth: {
            ...oauth,
            subdomain: 'nimbus-eu',
            region: 'eu',
            scopes: 'oncalls.read',
            tokenUrl: 'http://127.0.0.1:7007/oauth/token/',
          },
        },
      ],
    });

    expect(clients.get('default')!.account).toEqual({
      id: 'default',
      apiBaseUrl: 'https://api.pagerduty.com',
      eventsBaseUrl: 'https://events.pagerduty.com',
      fromEmail: 'multivac@nimbus.example',
      oauth: {
        ...oauth,
        region: 'us',
        scopes: DEFAULT_SCOPES,
        tokenUrl: 'https://identity.pagerduty.com/oauth/token',
      },
    });
    expect(clients.get('eu')!.account).toMatchObject({
      fromEmail: 'multivac@nimbus.example',
      oauth: {
        subdomain: 'nimbus-eu',
        region: 'eu',
        scopes: 'oncalls.read',
        tokenUrl: 'http://127.0.0.1:7007/oauth/token',
      },
    });
  });

  it('takes the From email of an account over the top-level one', () => {
    const clients = fromConfig({
      apiToken: 'token',
      fromEmail: 'multivac@nimbus.example',
      accounts: [
        { id: 'eu', apiToken: 'eu-token', fromEmail: 'ops@nimbus.example' },
      ],
    });

    expect(clients.get('eu')!.account.fromEmail).toBe('ops@nimbus.example');
  });

  it('names the account whose credentials are ambiguous', () => {
    expect(() =>
      fromConfig({
        apiToken: 'token',
        accounts: [{ id: 'eu', apiToken: 'eu-token', oauth }],
      }),
    ).toThrow(
      'Set exactly one of multivac.pagerDuty.accounts[0].apiToken and multivac.pagerDuty.accounts[0].oauth (found both)',
    );
  });

  it('rejects an unknown OAuth region and missing OAuth keys', () => {
    expect(() => fromConfig({ oauth: { ...oauth, region: 'apac' } })).toThrow(
      "multivac.pagerDuty.oauth.region must be one of us, eu, not 'apac'",
    );
    expect(() =>
      fromConfig({ oauth: { clientId: 'app', clientSecret: 'secret' } }),
    ).toThrow(
      "Missing required config value at 'multivac.pagerDuty.oauth.subdomain'",
    );
  });
});
