/*
 * A small YAML writer for catalog entities (objects, arrays, strings,
 * numbers, booleans): block style, strings quoted whenever YAML could read
 * them as something else.
 */

/** Words, with `:` only inside the first (an entity ref), never `: `. */
const PLAIN = /^[A-Za-z][\w./@-]*(:[\w./@-]+)*( [\w./@-]+)*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    return PLAIN.test(value) && !RESERVED.test(value)
      ? value
      : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(item => {
      if (
        (isObject(item) && Object.keys(item).length > 0) ||
        (Array.isArray(item) && item.length > 0)
      ) {
        const [first, ...rest] = lines(item, `${indent}  `);
        return [`${indent}- ${first.trimStart()}`, ...rest];
      }
      return [`${indent}- ${inline(item)}`];
    });
  }
  if (isObject(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .flatMap(([key, v]) => {
        const k = scalar(key);
        if (
          (isObject(v) && Object.keys(v).length > 0) ||
          (Array.isArray(v) && v.length > 0)
        ) {
          return [`${indent}${k}:`, ...lines(v, `${indent}  `)];
        }
        return [`${indent}${k}: ${inline(v)}`];
      });
  }
  return [`${indent}${scalar(value)}`];
}

function inline(value: unknown): string {
  if (Array.isArray(value)) {
    return '[]';
  }
  if (isObject(value)) {
    return '{}';
  }
  return scalar(value);
}

/** The value as a YAML document. */
export function toYaml(value: unknown): string {
  return `${lines(value, '').join('\n')}\n`;
}
