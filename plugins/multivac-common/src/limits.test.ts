import {
  boundedJsonObjectSchema,
  httpUrlSchema,
  isoDateTimeSchema,
  jsonDepth,
  offsetSchema,
} from './limits';
import { parseIncidentReference } from './incidents';
import { referenceNumber } from './references';

describe('input limits', () => {
  it('reads reference numbers only up to PostgreSQL integers', () => {
    expect(parseIncidentReference('INC-2147483647')).toBe(2147483647);
    expect(parseIncidentReference('INC-2147483648')).toBeUndefined();
    expect(parseIncidentReference('INC-99999999999')).toBeUndefined();
    expect(referenceNumber('42')).toBe(42);
    expect(referenceNumber('2147483648')).toBeUndefined();
    expect(referenceNumber('1e3')).toBeUndefined();
  });

  it('bounds offsets', () => {
    expect(offsetSchema.parse('100000')).toBe(100000);
    for (const bad of ['1e20', '1e21', '100001', '-1', '0.5', 'Infinity']) {
      expect(offsetSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('accepts times from 1970 to 9999 only', () => {
    const time = isoDateTimeSchema();
    expect(time.safeParse('2026-11-24T14:00:00Z').success).toBe(true);
    expect(time.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
    expect(time.safeParse('1969-12-31T23:59:59Z').success).toBe(false);
  });

  it('measures JSON depth without recursion and bounds details', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expect(jsonDepth(deep, 5)).toBe(6);
    expect(jsonDepth({ a: [{ b: 1 }] }, 5)).toBe(3);
    expect(boundedJsonObjectSchema.safeParse(deep).success).toBe(false);
    expect(boundedJsonObjectSchema.safeParse({ a: { b: 1 } }).success).toBe(
      true,
    );
    expect(
      boundedJsonObjectSchema.safeParse({ a: 'x'.repeat(10_001) }).success,
    ).toBe(false);
  });

  it('takes http(s) links only', () => {
    expect(httpUrlSchema.safeParse('https://grafana.example.com').success).toBe(
      true,
    );
    for (const bad of [
      `${['java', 'script:'].join('')}alert(1)`,
      'data:text/html,x',
      'file:///etc/passwd',
      'ftp://example.com',
    ]) {
      expect(httpUrlSchema.safeParse(bad).error?.issues[0].message).toBe(
        'must be an http(s) URL',
      );
    }
  });
});
