/**
 * A small YAML writer for catalog entities made of plain JSON values
 * (objects, arrays, strings, numbers, booleans): block style, keys in the
 * order given, strings quoted whenever a YAML reader could take them for
 * anything but the same string (times like `09:00`, dates, `yes`, numbers).
 * The render action reads what it wrote back with the catalog's own parser
 * (`parseEntityYaml`), so the file is checked as the catalog will see it.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const RESERVED = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  '~',
]);

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/** Plain only if it starts with a letter and holds nothing YAML reads specially. */
function scalar(value: string | number | boolean | null): string {
  if (value === null) {
    return 'null';
  }
  if (typeof value !== 'string') {
    return String(value);
  }
  const plain =
    /^[A-Za-z][A-Za-z0-9 ._/:@+-]*$/.test(value) &&
    !/: | #|:$| $/.test(value) &&
    !RESERVED.has(value.toLocaleLowerCase('en-US'));
  if (plain) {
    return value;
  }
  // Single quotes cannot hold line breaks or control characters; JSON's
  // double-quoted strings are valid YAML and can.
  return hasControlCharacter(value)
    ? JSON.stringify(value)
    : `'${value.replace(/'/g, "''")}'`;
}

function isEmptyCollection(value: Json): boolean {
  return (
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length === 0)
  );
}

function lines(value: Json, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(item => {
      if (
        typeof item === 'object' &&
        item !== null &&
        !isEmptyCollection(item)
      ) {
        const [first, ...rest] = lines(item, `${indent}  `);
        return [`${indent}- ${first.trimStart()}`, ...rest];
      }
      return [`${indent}- ${inline(item)}`];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .flatMap(([key, item]) =>
        typeof item === 'object' && item !== null && !isEmptyCollection(item)
          ? [`${indent}${scalar(key)}:`, ...lines(item, `${indent}  `)]
          : [`${indent}${scalar(key)}: ${inline(item)}`],
      );
  }
  return [`${indent}${scalar(value)}`];
}

function inline(value: Json): string {
  if (Array.isArray(value)) {
    return '[]';
  }
  if (typeof value === 'object' && value !== null) {
    return '{}';
  }
  return scalar(value);
}

/** One YAML document for `value` (a JSON object), ending with a line break. */
export function toYamlDocument(value: Record<string, unknown>): string {
  return `${lines(JSON.parse(JSON.stringify(value)) as Json, '').join('\n')}\n`;
}
