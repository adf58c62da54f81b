import { INPUT_LIMITS } from './limits';

/**
 * A whole number as a human reference's number: digits only, at most
 * PostgreSQL's largest `integer`; anything else → undefined.
 *
 * @public
 */
export function referenceNumber(digits: string): number | undefined {
  if (!/^\d{1,10}$/.test(digits)) {
    return undefined;
  }
  const number = Number(digits);
  return number <= INPUT_LIMITS.maxReferenceNumber ? number : undefined;
}

/**
 * Human references such as `INC-7`: a prefix and a number, read back
 * case-insensitively. Each kind of record defines its own from this.
 */
export function humanReference(prefix: string) {
  const pattern = new RegExp(`^${prefix}-(\\d+)$`, 'i');
  return {
    format: (number: number): string => `${prefix}-${number}`,
    /** `<prefix>-7` → 7; anything else (or too large) → undefined. */
    parse: (value: string): number | undefined => {
      const match = pattern.exec(value.trim());
      return match ? referenceNumber(match[1]) : undefined;
    },
  };
}
