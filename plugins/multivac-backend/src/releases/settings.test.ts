import { ConfigReader } from '@backstage/config';
import { readReleaseSettings } from './settings';

const read = (releases: object) =>
  readReleaseSettings(new ConfigReader({ multivac: { releases } }));

describe('readReleaseSettings', () => {
  it('has defaults', () => {
    expect(readReleaseSettings(new ConfigReader({}))).toEqual({
      environments: [
        { id: 'production', policy: 'block' },
        { id: 'staging', policy: 'warn' },
      ],
      timeZone: 'UTC',
      dependencyDepth: 2,
      sameSystem: true,
      catalogRefreshMinutes: 5,
      incidentFreezeHours: 24,
      freezes: [],
    });
  });

  it('normalizes freeze scopes to lower-case full refs', () => {
    const [freeze] = read({
      freezes: [
        {
          id: 'f',
          name: 'F',
          start: '2026-12-24T00:00:00Z',
          end: '2026-12-27T00:00:00Z',
          systems: ['Shop'],
          groups: ['payments'],
          entities: ['payments-api', 'resource:default/accounts-db'],
        },
      ],
    }).freezes;
    expect(freeze.scope).toEqual({
      systems: ['system:default/shop'],
      groups: ['group:default/payments'],
      entities: [
        'component:default/payments-api',
        'resource:default/accounts-db',
      ],
      environments: [],
    });
  });

  it.each([
    [
      { environments: [{ id: 'prod', policy: 'deny' }] },
      "environments.0.policy: Invalid enum value. Expected 'warn' | 'block', received 'deny'",
    ],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone: must be an IANA time zone'],
    [
      { freezes: [{ id: 'f', name: 'F', start: '2026-12-24T00:00:00Z' }] },
      'freezes.0.start: give start and end, or a recurring rrule',
    ],
    [
      {
        freezes: [
          {
            id: 'f',
            name: 'F',
            start: '2026-12-24T00:00:00Z',
            end: '2026-12-23T00:00:00Z',
          },
        ],
      },
      'freezes.0.end: must be after start',
    ],
    [
      { freezes: [{ id: 'f', name: 'F', rrule: 'FREQ=WEEKLY;BYDAY=FR' }] },
      'freezes.0.durationMinutes: a recurring freeze needs its length',
    ],
    [
      {
        freezes: [
          { id: 'f', name: 'F', rrule: 'BYDAY=FR', durationMinutes: 60 },
        ],
      },
      "multivac.releases.freezes.0.rrule: 'BYDAY=FR' has no valid FREQ",
    ],
    [
      {
        freezes: [
          {
            id: 'f',
            name: 'F',
            rrule:
              'DTSTART;TZID=America/New_York:20261218T160000\nRRULE:FREQ=WEEKLY',
            durationMinutes: 60,
            timeZone: 'Europe/Berlin',
          },
        ],
      },
      "DTSTART is in America/New_York but the freeze's timeZone is Europe/Berlin",
    ],
  ])('fails the start-up naming the field: %j', (releases, message) => {
    expect(() => read(releases)).toThrow(message);
  });

  it('counts a recurring rule from its DTSTART in the freeze zone', () => {
    const [freeze] = read({
      freezes: [
        {
          id: 'f',
          name: 'F',
          rrule:
            'DTSTART;TZID=Europe/Berlin:20261218T160000\nRRULE:FREQ=DAILY;COUNT=2',
          durationMinutes: 60,
          timeZone: 'Europe/Berlin',
        },
      ],
    }).freezes;
    expect(freeze.type === 'recurring' && freeze.rule.all()).toEqual([
      new Date('2026-12-18T16:00:00Z'),
      new Date('2026-12-19T16:00:00Z'),
    ]);
  });
});
