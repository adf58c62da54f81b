import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  LocationSpec,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import fs from 'fs';
import path from 'path';
import { ScheduleEntityProcessor } from './ScheduleEntityProcessor';

const location: LocationSpec = {
  type: 'file',
  target: '/repo/payments/schedule.yaml',
};

function schedule(spec: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'multivac.io/v1alpha1',
    kind: 'Schedule',
    metadata: { name: 'payments-primary', namespace: 'default' },
    spec: {
      owner: 'group:default/payments',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          name: 'weekly',
          members: ['user:default/ada.lovelace', 'user:default/grace.hopper'],
          rotation: { type: 'weekly', handoffDay: 'monday' },
          handoffTime: '09:00',
          start: '2026-01-05',
        },
      ],
      ...spec,
    },
  };
}

/** What the catalog does with an entity: kind validation, then post-processing. */
async function process(entity: Entity) {
  const processor = new ScheduleEntityProcessor();
  const valid = await processor.validateEntityKind(entity);
  const results: CatalogProcessorResult[] = [];
  await processor.postProcessEntity(entity, location, r => results.push(r));
  return {
    valid,
    errors: results.flatMap(r => (r.type === 'error' ? [r.error.message] : [])),
    // Kinds compare without case in the catalog.
    relations: results.flatMap(r =>
      r.type === 'relation'
        ? [
            `${stringifyEntityRef(r.relation.source)} ${
              r.relation.type
            } ${stringifyEntityRef(r.relation.target)}`,
          ]
        : [],
    ),
  };
}

function layerWith(changes: Record<string, unknown>) {
  return { layers: [{ ...(schedule().spec as any).layers[0], ...changes }] };
}

describe('ScheduleEntityProcessor', () => {
  it('ingests the demo schedules of examples/schedules.yaml without errors, related to their teams', async () => {
    const file = path.resolve(__dirname, '../../../examples/schedules.yaml');
    const parsed = [...parseEntityYaml(fs.readFileSync(file), location)];
    const entities = parsed.flatMap(r =>
      r.type === 'entity' ? [r.entity] : [],
    );
    expect(parsed.filter(r => r.type === 'error')).toEqual([]);
    expect(entities.map(e => e.metadata.name)).toEqual([
      'payments-primary',
      'storefront-primary',
      'platform-primary',
    ]);
    const outcomes = await Promise.all(entities.map(e => process(e)));
    expect(outcomes.map(o => [o.valid, o.errors])).toEqual([
      [true, []],
      [true, []],
      [true, []],
    ]);
    expect(outcomes[2].relations).toEqual([
      'schedule:default/platform-primary ownedBy group:default/platform',
      'group:default/platform ownerOf schedule:default/platform-primary',
    ]);
  });

  it('leaves other kinds and apiVersions to other processors', async () => {
    const processor = new ScheduleEntityProcessor();
    await expect(
      processor.validateEntityKind({ ...schedule(), apiVersion: 'v1' }),
    ).resolves.toBe(false);
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).resolves.toBe(false);
  });

  it('relates a schedule to its owner Group, defaulting the kind and namespace', async () => {
    const entity = schedule({ owner: 'payments' });
    entity.metadata.namespace = 'finance';
    const { errors, relations } = await process(entity);
    expect(errors).toEqual([]);
    expect(relations).toEqual([
      'schedule:finance/payments-primary ownedBy group:finance/payments',
      'group:finance/payments ownerOf schedule:finance/payments-primary',
    ]);
  });

  it.each([
    [
      'a hand-off time that is not HH:mm',
      layerWith({ handoffTime: '9am' }),
      ['spec.layers[0].handoffTime: must be HH:mm'],
    ],
    [
      'an unknown time zone',
      { timeZone: 'Mars/Olympus' },
      ['spec.timeZone: must be an IANA time zone'],
    ],
    ['no layers', { layers: [] }, ['spec.layers: must not be empty']],
    [
      'a layer without members',
      layerWith({ members: [] }),
      ['spec.layers[0].members: must not be empty'],
    ],
    [
      'an unknown hand-off day',
      layerWith({ rotation: { type: 'weekly', handoffDay: 'someday' } }),
      [expect.stringMatching(/^spec\.layers\[0\]\.rotation\.handoffDay: /)],
    ],
    [
      'a custom rotation of zero hours',
      layerWith({ rotation: { type: 'custom', hours: 0 } }),
      ['spec.layers[0].rotation.hours: must be positive'],
    ],
    [
      'a start that is no date',
      layerWith({ start: 'next monday' }),
      ['spec.layers[0].start: must be an ISO date or date-time'],
    ],
    [
      'a restriction without days',
      layerWith({ restrictions: [{ days: [], from: '09:00', to: '17:00' }] }),
      ['spec.layers[0].restrictions[0].days: must not be empty'],
    ],
    [
      'an escalation level timing out at zero',
      { escalation: [{ timeoutMinutes: 0, targets: [{ type: 'schedule' }] }] },
      ['spec.escalation[0].timeoutMinutes: must be positive'],
    ],
    [
      'an override ending before it starts',
      {
        overrides: [
          {
            userRef: 'user:default/ada.lovelace',
            start: '2026-03-03T17:00+01:00',
            end: '2026-03-03T09:00+01:00',
          },
        ],
      },
      ['spec.overrides[0].end: must be after start'],
    ],
    [
      'an effectiveFrom that is no date',
      { effectiveFrom: 'soon' },
      ['spec.effectiveFrom: must be an ISO date or date-time'],
    ],
    [
      'an owner that is not a Group',
      { owner: 'user:default/ada.lovelace' },
      ['spec.owner: must be a Group entity ref, e.g. group:default/payments'],
    ],
    ['no owner', { owner: undefined }, ['spec.owner: Required']],
  ])(
    'refuses %s with a processing error naming the field',
    async (_what, spec, expected) => {
      const { valid, errors, relations } = await process(schedule(spec));
      expect(valid).toBe(true);
      expect(errors).toEqual(expected);
      expect(relations).toEqual([]);
    },
  );

  it('names every mistake, each on its own', async () => {
    const { errors } = await process(
      schedule({
        timeZone: 'Mars/Olympus',
        ...layerWith({ handoffTime: '25:00' }),
      }),
    );
    expect(errors).toEqual([
      'spec.timeZone: must be an IANA time zone',
      'spec.layers[0].handoffTime: must be HH:mm',
    ]);
  });

  it('relates an entity naming a schedule to it, by id or by entity ref', async () => {
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'payments',
        namespace: 'default',
        annotations: { 'multivac.io/oncall-schedule': 'payments-primary' },
      },
      spec: { type: 'team', children: [] },
    };
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'ledger',
        namespace: 'default',
        annotations: {
          'multivac.io/oncall-schedule': 'schedule:finance/ledger-oncall',
        },
      },
      spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
    };
    expect((await process(group)).relations).toEqual([
      'group:default/payments onCallFrom schedule:default/payments-primary',
      'schedule:default/payments-primary onCallFor group:default/payments',
    ]);
    expect((await process(component)).relations).toEqual([
      'component:default/ledger onCallFrom schedule:finance/ledger-oncall',
      'schedule:finance/ledger-oncall onCallFor component:default/ledger',
    ]);
  });
});
