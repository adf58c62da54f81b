import { ConfigReader } from '@backstage/config';
import { PortalUrls } from './PortalUrls';

describe('PortalUrls', () => {
  const urls = PortalUrls.fromConfig(
    new ConfigReader({ app: { baseUrl: 'https://portal.example' } }),
  );

  it('links each kind of record to its page under /multivac', () => {
    expect(urls.incident('INC-7')).toBe(
      'https://portal.example/multivac/incidents/INC-7',
    );
    expect(urls.report('RPT-3')).toBe(
      'https://portal.example/multivac/reports/RPT-3',
    );
    expect(urls.postmortem('PM-2')).toBe(
      'https://portal.example/multivac/postmortems/PM-2',
    );
    expect(urls.release('REL-12')).toBe(
      'https://portal.example/multivac/releases/REL-12',
    );
  });

  it('links the alerts page, filtered by entity, and an alert group', () => {
    expect(urls.alerts()).toBe('https://portal.example/multivac/alerts');
    expect(urls.alerts('group:default/payments')).toBe(
      'https://portal.example/multivac/alerts?entityRef=group%3Adefault%2Fpayments',
    );
    expect(urls.alertGroup('g-1')).toBe(
      'https://portal.example/multivac/alerts/groups/g-1',
    );
  });

  it('keeps a key that is not a plain reference inside its path segment', () => {
    expect(urls.postmortem('a/b')).toBe(
      'https://portal.example/multivac/postmortems/a%2Fb',
    );
  });

  it('links relative to the portal when app.baseUrl is not set', () => {
    expect(PortalUrls.fromConfig(new ConfigReader({})).incident('INC-1')).toBe(
      '/multivac/incidents/INC-1',
    );
  });
});
