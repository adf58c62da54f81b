import {
  DEFAULT_SEVERITY_RUBRIC,
  isLowerSeverity,
  parseReportReference,
  rateSeverity,
  reportRequestSchema,
} from './reports';

describe('rateSeverity', () => {
  it('reads the rubric and says why', () => {
    expect(
      rateSeverity(DEFAULT_SEVERITY_RUBRIC, {
        usersAffected: 'dozens',
        scope: 'global',
      }),
    ).toEqual({
      severity: 'SEV2',
      reason: '11–100 users, everywhere: SEV2 by the severity rubric',
    });
    expect(
      rateSeverity(DEFAULT_SEVERITY_RUBRIC, {
        usersAffected: 'one',
        scope: 'customer',
      }).severity,
    ).toBe('SEV4');
  });

  it('gets more severe as more users are affected, in every scope', () => {
    for (const row of Object.values(DEFAULT_SEVERITY_RUBRIC)) {
      const levels = Object.values(row);
      levels.slice(1).forEach((severity, i) => {
        expect(isLowerSeverity(severity, levels[i])).toBe(false);
      });
    }
  });
});

describe('isLowerSeverity', () => {
  it('orders SEV1 (highest) to SEV4 (lowest)', () => {
    expect(isLowerSeverity('SEV3', 'SEV2')).toBe(true);
    expect(isLowerSeverity('SEV1', 'SEV2')).toBe(false);
    expect(isLowerSeverity('SEV2', 'SEV2')).toBe(false);
  });
});

describe('reportRequestSchema', () => {
  const valid = {
    title: 'Checkout fails',
    entityRef: 'component:default/checkout',
    usersAffected: 'dozens',
    scope: 'global',
    customerFacing: true,
  };

  it('fills defaults and drops blank optional text', () => {
    expect(reportRequestSchema.parse({ ...valid, customer: ' ' })).toEqual({
      ...valid,
      description: '',
      links: [],
      customer: undefined,
      region: undefined,
      severityReason: undefined,
    });
  });

  it('asks which region or customer when the scope needs one', () => {
    const region = reportRequestSchema.safeParse({ ...valid, scope: 'region' });
    expect(region.success || region.error.issues[0]).toMatchObject({
      path: ['region'],
      message: 'say which region',
    });
    const customer = reportRequestSchema.safeParse({
      ...valid,
      scope: 'customer',
    });
    expect(customer.success || customer.error.issues[0]).toMatchObject({
      path: ['customer'],
      message: 'say which customer',
    });
  });

  it('rejects links that are not URLs and unknown fields', () => {
    expect(
      reportRequestSchema.safeParse({ ...valid, links: ['wiki page'] }).success,
    ).toBe(false);
    expect(reportRequestSchema.safeParse({ ...valid, extra: 1 }).success).toBe(
      false,
    );
  });
});

describe('parseReportReference', () => {
  it('reads RPT-n in any case', () => {
    expect(parseReportReference('rpt-12')).toBe(12);
    expect(parseReportReference('INC-12')).toBeUndefined();
  });
});
