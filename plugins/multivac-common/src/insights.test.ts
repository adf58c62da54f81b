import { insightsQuerySchema } from './insights';

function messages(query: Record<string, string>) {
  const result = insightsQuerySchema.safeParse(query);
  return result.success
    ? []
    : result.error.issues.map(
        issue => `${issue.path.join('.')}: ${issue.message}`,
      );
}

describe('insightsQuerySchema', () => {
  it('defaults the period to 30 days', () => {
    expect(insightsQuerySchema.parse({}).period).toBe('30d');
  });

  it('says once what is wrong with a period that is not a number of days', () => {
    expect(messages({ period: 'bogus' })).toEqual([
      "period: must be a number of days such as '30d'",
    ]);
  });

  it('refuses a period outside 1 to 366 days', () => {
    expect(messages({ period: '0d' })).toEqual([
      'period: must be between 1d and 366d',
    ]);
    expect(messages({ period: '400d' })).toEqual([
      'period: must be between 1d and 366d',
    ]);
    expect(messages({ period: '366d' })).toEqual([]);
  });

  it('takes an end in the accepted years only, and says so', () => {
    expect(messages({ end: '0000-01-01T00:00:00Z' })).toEqual([
      'end: the year must be from 1970 to 9999',
    ]);
    expect(messages({ end: 'yesterday' })).toEqual([
      'end: must be an ISO date-time',
    ]);
    expect(messages({ end: '2026-12-05T09:00:00+01:00' })).toEqual([]);
  });
});
