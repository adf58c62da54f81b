import {
  allowedReleaseTransitions,
  checkReleaseSchema,
  createReleaseSchema,
  formatReleaseReference,
  listReleasesQuerySchema,
  parseReleaseReference,
  releasesAroundQuerySchema,
  updateReleaseSchema,
} from './releases';
import { describeZodError } from './schemas';

const valid = {
  entityRef: 'payments-api',
  title: 'v2.4.1',
  environment: 'production',
  start: '2026-11-24T14:00:00Z',
  end: '2026-11-24T14:30:00+00:00',
};

function problems(
  schema: { safeParse(value: unknown): any },
  value: unknown,
): string {
  const result = schema.safeParse(value);
  return result.success ? 'valid' : describeZodError(result.error);
}

describe('release schemas', () => {
  it('accepts a release and fills in defaults', () => {
    expect(createReleaseSchema.parse(valid)).toEqual({
      ...valid,
      links: [],
      notes: '',
    });
  });

  it('bounds the window of releases around entities to 92 days', () => {
    const around = {
      entityRef: 'payments-api',
      from: '2026-01-01T00:00:00Z',
      to: '2026-04-03T00:00:00Z',
    };
    expect(releasesAroundQuerySchema.safeParse(around).success).toBe(true);
    expect(
      problems(releasesAroundQuerySchema, {
        ...around,
        to: '2026-04-03T00:00:01Z',
      }),
    ).toBe('to: must be at most 92 days after from');
  });

  it('says what is wrong with a window', () => {
    expect(problems(createReleaseSchema, { ...valid, end: valid.start })).toBe(
      'end: must be after start',
    );
    expect(
      problems(createReleaseSchema, {
        ...valid,
        end: '2026-11-24T13:00:00Z',
      }),
    ).toBe('end: must be after start');
    expect(
      problems(createReleaseSchema, {
        ...valid,
        end: '2026-11-27T14:00:01Z',
      }),
    ).toBe('end: the window may be at most 72 hours long');
    expect(
      problems(createReleaseSchema, { ...valid, start: '2026-11-24 14:00' }),
    ).toBe(
      'start: must be an ISO 8601 time with a zone, e.g. 2026-11-24T14:00:00Z',
    );
    expect(problems(checkReleaseSchema, { ...valid, end: valid.start })).toBe(
      'end: must be after start',
    );
  });

  it('takes only http(s) links', () => {
    const withLink = (url: string) => ({
      ...valid,
      links: [{ kind: 'ci', url }],
    });
    expect(
      problems(createReleaseSchema, withLink('https://ci.example.com/1')),
    ).toBe('valid');
    expect(
      problems(
        createReleaseSchema,
        withLink('data:text/html,<script>alert(1)</script>'),
      ),
    ).toBe('links.0.url: must be an http(s) URL');
    expect(problems(createReleaseSchema, withLink('see the wiki'))).toMatch(
      /^links\.0\.url: must be a full URL/,
    );
  });

  it('needs a title, an entity and a reason to force', () => {
    expect(
      problems(createReleaseSchema, {
        ...valid,
        title: ' ',
        entityRef: '',
        force: { reason: '' },
      }),
    ).toBe(
      'entityRef: name the catalog entity that is released; title: give the version or a title; force.reason: say why the release may go ahead despite the conflicts',
    );
  });

  it('needs something to change in an update, and checks a full window', () => {
    expect(problems(updateReleaseSchema, {})).toBe(
      'name at least one field to change',
    );
    expect(problems(updateReleaseSchema, { force: { reason: 'hotfix' } })).toBe(
      'name at least one field to change',
    );
    expect(problems(updateReleaseSchema, { notes: 'moved' })).toBe('valid');
    expect(
      problems(updateReleaseSchema, {
        start: '2026-11-24T14:00:00Z',
        end: '2026-11-24T14:00:00Z',
      }),
    ).toBe('end: must be after start');
  });

  it('reads list queries with one or many values', () => {
    expect(
      listReleasesQuerySchema.parse({
        entityRef: 'payments-api',
        status: ['active', 'done'],
        limit: '10',
      }),
    ).toEqual({
      entityRef: ['payments-api'],
      status: ['active', 'done'],
      limit: 10,
      offset: 0,
    });
    expect(
      problems(listReleasesQuerySchema, {
        from: '2026-11-24T00:00:00Z',
        to: '2026-11-23T00:00:00Z',
      }),
    ).toBe('to: must be after from');
  });
});

describe('release statuses', () => {
  it('moves forward to an end, and only a done release may still roll back', () => {
    expect(allowedReleaseTransitions('planned')).toEqual([
      'in_progress',
      'done',
      'cancelled',
    ]);
    expect(allowedReleaseTransitions('in_progress')).toEqual([
      'done',
      'rolled_back',
    ]);
    expect(allowedReleaseTransitions('done')).toEqual(['rolled_back']);
    expect(allowedReleaseTransitions('rolled_back')).toEqual([]);
    expect(allowedReleaseTransitions('cancelled')).toEqual([]);
  });

  it('formats and parses REL references', () => {
    expect(formatReleaseReference(12)).toBe('REL-12');
    expect(parseReleaseReference(' rel-12 ')).toBe(12);
    expect(parseReleaseReference('INC-12')).toBeUndefined();
  });
});
