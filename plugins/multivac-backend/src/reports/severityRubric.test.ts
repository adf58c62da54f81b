import { ConfigReader } from '@backstage/config';
import { DEFAULT_SEVERITY_RUBRIC } from '@multivac/plugin-multivac-common';
import { readSeverityRubric } from './severityRubric';

const withRubric = (severityRubric: unknown) =>
  new ConfigReader({ multivac: { severityRubric } } as any);

describe('readSeverityRubric', () => {
  it('uses the documented default without config', () => {
    expect(readSeverityRubric(new ConfigReader({}))).toEqual(
      DEFAULT_SEVERITY_RUBRIC,
    );
  });

  it('replaces only the configured cells', () => {
    const rubric = readSeverityRubric(
      withRubric({ customer: { thousands: 'SEV1' } }),
    );
    expect(rubric.customer.thousands).toBe('SEV1');
    expect(rubric.customer.one).toBe(DEFAULT_SEVERITY_RUBRIC.customer.one);
    expect(rubric.global).toEqual(DEFAULT_SEVERITY_RUBRIC.global);
  });

  it('names the bad cell', () => {
    expect(() =>
      readSeverityRubric(withRubric({ global: { dozens: 'SEV9' } })),
    ).toThrow(
      /Invalid multivac\.severityRubric: global\.dozens: Invalid enum value/,
    );
    expect(() => readSeverityRubric(withRubric({ planet: {} }))).toThrow(
      /Unrecognized key\(s\) in object: 'planet'/,
    );
  });
});
