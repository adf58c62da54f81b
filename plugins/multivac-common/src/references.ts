/**
 * Human references such as `INC-7`: a prefix and a number, read back
 * case-insensitively. Each kind of record defines its own from this.
 */
export function humanReference(prefix: string) {
  const pattern = new RegExp(`^${prefix}-(\\d+)$`, 'i');
  return {
    format: (number: number): string => `${prefix}-${number}`,
    /** `<prefix>-7` → 7; anything else → undefined. */
    parse: (value: string): number | undefined => {
      const match = pattern.exec(value.trim());
      return match ? Number(match[1]) : undefined;
    },
  };
}
