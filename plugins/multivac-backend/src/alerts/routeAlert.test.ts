import { ConfigReader } from '@backstage/config';
import { adapters } from './adapters';
import alertmanagerFixture from './__fixtures__/alertmanager.json';
import datadogFixture from './__fixtures__/datadog.json';
import sumoLogicFixture from './__fixtures__/sumologic.json';
import grafanaFixture from './__fixtures__/grafana.json';
import { readAlertIntegrations } from './integrations';
import { routeAlert } from './routeAlert';

const config = (integrations: any[]) =>
  new ConfigReader({ multivac: { alerts: { integrations } } });

const base = {
  id: 'prom',
  name: 'Prometheus',
  vendor: 'alertmanager',
  secrets: ['a-secret-of-16-chars'],
};

describe('readAlertIntegrations', () => {
  it('reads rules, urgency and defaults', () => {
    const [integration] = readAlertIntegrations(
      config([
        {
          ...base,
          defaultEntityRef: 'payments-api',
          rules: [
            {
              match: { namespace: 'shop', job: '/cart-.*/' },
              entityRef: 'cart',
            },
          ],
          urgency: { warning: 'high' },
        },
      ]),
    );
    expect(integration).toMatchObject({
      defaultEntityRef: 'component:default/payments-api',
      groupWindowMinutes: 10,
      urgency: {
        critical: 'high',
        high: 'high',
        error: 'high',
        warning: 'high',
      },
      signatureHeader: 'x-grafana-alerting-signature',
    });
    expect(integration.rules[0].entityRef).toBe('component:default/cart');
  });

  it.each([
    [{ ...base, vendor: 'nagios' }, /integrations\[0\]\.vendor: 'nagios'/],
    [{ ...base, secrets: ['short'] }, /integrations\[0\]\.secrets/],
    [{ ...base, id: 'a b' }, /integrations\[0\]\.id/],
    [{ ...base, urgency: { critical: 'urgent' } }, /urgency\.critical/],
    [{ ...base, groupWindowMinutes: 0 }, /groupWindowMinutes/],
    [
      { ...base, rules: [{ match: { job: '/(/' }, entityRef: 'cart' }] },
      /rules\[0\]\.match\.job/,
    ],
    [{ ...base, defaultEntityRef: 'component:' }, /defaultEntityRef/],
    [
      { ...base, vendor: 'zendesk', zendeskUrl: 'file:///etc/passwd' },
      /integrations\[0\]\.zendeskUrl/,
    ],
  ])('refuses a bad integration, naming the key (%#)', (entry, message) => {
    expect(() => readAlertIntegrations(config([entry]))).toThrow(message);
  });

  it('refuses two integrations with one id', () => {
    expect(() => readAlertIntegrations(config([base, base]))).toThrow(
      /integrations\[1\]\.id: 'prom' is used by another integration/,
    );
  });
});

describe('routeAlert', () => {
  const [integration] = readAlertIntegrations(
    config([
      {
        ...base,
        defaultEntityRef: 'group:default/sre',
        rules: [
          { match: { zone: 'us-1', team: 'blue' }, entityRef: 'ledger' },
          { match: { alertname: '/High .* usage/' }, entityRef: 'cart' },
        ],
      },
    ]),
  );

  it('names explicit labels first, then the first matching rule, then the default', () => {
    const [memory, cpu] = adapters.grafana(grafanaFixture);
    expect(routeAlert(memory, integration)).toEqual([
      { entityRef: 'group:default/blue', matched: 'label:team' },
      { entityRef: 'component:default/ledger', matched: 'rule:1' },
      { entityRef: 'group:default/sre', matched: 'default' },
    ]);
    expect(routeAlert(cpu, integration)[1]).toEqual({
      entityRef: 'component:default/cart',
      matched: 'rule:2',
    });
    const [payments] = adapters.alertmanager(alertmanagerFixture);
    expect(routeAlert(payments, integration)[0]).toEqual({
      entityRef: 'component:default/payments-api',
      matched: 'label:service',
    });
    expect(
      routeAlert(
        {
          labels: { 'backstage.io/entity': 'system:shop' },
          entityHint: 'api:x',
        },
        integration,
      ).slice(0, 2),
    ).toEqual([
      { entityRef: 'api:default/x', matched: 'entityRef' },
      {
        entityRef: 'system:default/shop',
        matched: 'label:backstage.io/entity',
      },
    ]);
  });
});

describe('adapters', () => {
  it('normalizes the documented payloads', () => {
    expect(adapters.alertmanager(alertmanagerFixture)).toEqual([
      {
        dedupKey: '1a30ba71cca2921f:2026-11-26T09:12:45.828Z',
        status: 'firing',
        summary: 'payments-api answers 12% of requests with 5xx',
        severity: 'critical',
        labels: alertmanagerFixture.alerts[0].labels,
        links: [
          alertmanagerFixture.alerts[0].generatorURL,
          'https://runbooks.example.com/payments-api/errors',
        ],
        startsAt: '2026-11-26T09:12:45.828Z',
      },
    ]);
    const [memory] = adapters.grafana(grafanaFixture);
    expect(memory).toMatchObject({
      dedupKey: 'c6eadffa33fcdf37:2021-10-12T07:51:03.157Z',
      summary: 'This alert was triggered for zone us-1',
      labels: { 'grafana.values': 'B=44.23943737541908, C=1' },
    });
  });

  it('reads the Datadog and Sumo Logic templates', () => {
    expect(adapters.datadog(datadogFixture)).toEqual([
      {
        dedupKey: '7212934927519376417',
        status: 'firing',
        summary: '[Triggered] Ledger p99 latency above 2s',
        severity: 'p1',
        labels: {
          env: 'prod',
          service: 'ledger',
          team: 'payments',
          'datadog.monitor': '1234',
          'datadog.aggregation': '9bd4ac313a4d1e8fae2482df7b77628',
          'datadog.transition': 'Triggered',
        },
        links: ['https://app.datadoghq.com/event/event?id=1234567890'],
        startsAt: '2026-11-26T09:12:45.000Z',
      },
    ]);
    const [recovered] = adapters.datadog({
      ...datadogFixture,
      transition: 'Recovered',
      priority: '',
    });
    expect(recovered).toMatchObject({
      status: 'resolved',
      severity: 'unprioritized',
    });
    const [sumo] = adapters.sumologic(sumoLogicFixture);
    expect(sumo).toMatchObject({
      dedupKey: '0000000000A1B2C3:critical',
      status: 'firing',
      severity: 'critical',
      labels: { alertname: 'Cart checkout errors', service: 'cart' },
      startsAt: '2026-11-26T09:15:00.000Z',
    });
    const [resolved] = adapters.sumologic({
      ...sumoLogicFixture,
      triggerType: 'ResolvedCritical',
    });
    expect(resolved).toMatchObject({
      dedupKey: sumo.dedupKey,
      status: 'resolved',
    });
  });

  it('says what is missing', () => {
    expect(() => adapters.alertmanager({ status: 'firing' })).toThrow(
      /Unreadable Alertmanager payload: .*alerts/,
    );
    expect(() => adapters.generic({ summary: 'x' })).toThrow(/dedupKey/);
  });
});
