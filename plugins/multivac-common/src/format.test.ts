import {
  actorName,
  closestMatch,
  editDistance,
  describeTimelineEvent,
  displayNameOf,
  formatDuration,
  shortRef,
} from './format';
import { TimelineEvent } from './incidents';

describe('formatDuration', () => {
  it.each([
    [0, '0 seconds'],
    [1_000, '1 second'],
    [470_200, '7 minutes 50.2 seconds'],
    [60_000, '1 minute'],
    [3_600_000, '1 hour'],
    [7_530_000, '2 hours 5 minutes'],
    [97_200_000, '1 day 3 hours'],
    [-5, '0 seconds'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('describeTimelineEvent', () => {
  const event = (
    type: TimelineEvent['type'],
    payload: object,
  ): TimelineEvent => ({
    id: '1',
    incidentId: 'i',
    type,
    actor: 'user:default/ada',
    createdAt: '2026-11-23T10:00:00.000Z',
    payload: payload as Record<string, unknown>,
  });

  it('says what happened in words', () => {
    expect(
      describeTimelineEvent(
        event('declared', {
          severity: 'SEV2',
          entityRefs: ['component:default/payments-api'],
        }),
      ),
    ).toBe('declared the incident (SEV2) on payments-api');
    expect(
      describeTimelineEvent(
        event('declared', {
          severity: 'SEV3',
          entityRefs: ['component:default/payments-api'],
          fromReport: 'RPT-4',
        }),
      ),
    ).toBe(
      'declared the incident (SEV3) on payments-api from triage report RPT-4',
    );
    expect(
      describeTimelineEvent(
        event('status_changed', {
          from: 'acknowledged',
          to: 'identified',
          note: 'bad deploy',
        }),
      ),
    ).toBe('moved it from acknowledged to identified: bad deploy');
    expect(
      describeTimelineEvent(
        event('role_assigned', {
          role: 'controller',
          userRef: 'user:default/grace',
          previous: 'user:default/ada',
        }),
      ),
    ).toBe('handed controller over from ada to grace');
    expect(
      describeTimelineEvent(
        event('field_changed', { field: 'summary', from: '', to: 'x' }),
      ),
    ).toBe('changed summary from empty to "x"');
    expect(describeTimelineEvent(event('note', { text: 'rolled back' }))).toBe(
      'noted: rolled back',
    );
  });

  it('shortens refs', () => {
    expect(shortRef('user:default/ada.lovelace')).toBe('ada.lovelace');
    expect(shortRef('user:ada')).toBe('ada');
    expect(shortRef('ada')).toBe('ada');
  });

  it('names people and entities by display name, then title, then name', () => {
    const ada = { metadata: { name: 'ada', title: 'A. L.' } };
    expect(
      displayNameOf({
        ...ada,
        spec: { profile: { displayName: 'Ada Lovelace' } },
      }),
    ).toBe('Ada Lovelace');
    expect(displayNameOf(ada)).toBe('A. L.');
    expect(displayNameOf({ metadata: { name: 'payments-api' } })).toBe(
      'payments-api',
    );
    expect(displayNameOf(undefined, 'user:default/grace')).toBe('grace');
  });
});

describe('actorName', () => {
  it.each([
    ['service:multivac', 'Multivac'],
    ['service:builtin', 'Multivac'],
    ['service:pagerduty', 'PagerDuty'],
    ['service:external:github-actions', 'GitHub Actions'],
    ['service:monitoring', 'monitoring'],
    ['user:default/ada.lovelace', 'ada.lovelace'],
  ])('names %s "%s"', (ref, name) => {
    expect(actorName(ref)).toBe(name);
  });
});

describe('describeTimelineEvent with display names', () => {
  const names: Record<string, string> = {
    'user:default/ada.lovelace': 'Ada Lovelace',
    'user:default/alan.turing': 'Alan Turing',
    'component:default/payments-api': 'Payments API',
  };
  const nameOf = (ref: string) => names[ref] ?? actorName(ref);
  const event = (
    type: TimelineEvent['type'],
    payload: object,
  ): TimelineEvent => ({
    id: '1',
    incidentId: 'i',
    type,
    actor: 'service:multivac',
    createdAt: '2026-11-23T10:00:00.000Z',
    payload: payload as Record<string, unknown>,
  });

  it('names people and entities as nameOf says', () => {
    expect(
      describeTimelineEvent(
        event('role_assigned', {
          role: 'controller',
          userRef: 'user:default/ada.lovelace',
        }),
        nameOf,
      ),
    ).toBe('made Ada Lovelace controller');
    expect(
      describeTimelineEvent(
        event('role_assigned', {
          role: 'controller',
          userRef: 'user:default/alan.turing',
          previous: 'user:default/ada.lovelace',
        }),
        nameOf,
      ),
    ).toBe('handed controller over from Ada Lovelace to Alan Turing');
    expect(
      describeTimelineEvent(
        event('role_removed', {
          role: 'responder',
          userRef: 'user:default/grace.hopper',
        }),
        nameOf,
      ),
    ).toBe('removed grace.hopper as responder');
    expect(
      describeTimelineEvent(
        event('declared', {
          severity: 'SEV2',
          entityRefs: ['component:default/payments-api'],
        }),
        nameOf,
      ),
    ).toBe('declared the incident (SEV2) on Payments API');
  });
});

describe('closestMatch', () => {
  const services = ['payments-api', 'payments-web', 'ledger-service', 'search'];

  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('paymnets-api', 'payments-api')).toBe(1);
    expect(editDistance('sevv', 'sev')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('finds what was probably meant', () => {
    expect(closestMatch('paymnets-api', services)).toBe('payments-api');
    expect(closestMatch('payments-apx', services)).toBe('payments-api');
    expect(closestMatch('Payments-API', services)).toBe('payments-api');
    expect(closestMatch('ledger-servce', services)).toBe('ledger-service');
    expect(closestMatch('sevv', ['status', 'sev', 'page'])).toBe('sev');
  });

  it('suggests nothing that is too far off', () => {
    expect(closestMatch('billing', services)).toBeUndefined();
    // a shared suffix alone is no reason
    expect(closestMatch('nowhere-service', ['ledger-service'])).toBeUndefined();
    expect(closestMatch('serch-xyz', services)).toBeUndefined();
    expect(closestMatch('x', ['sev', 'page'])).toBeUndefined();
    expect(closestMatch('payments-api', [])).toBeUndefined();
  });
});
