/*
 * A checker of Atlassian Document Format v1 for the fake Jira Cloud, after
 * Atlassian's ADF structure reference and its JSON schema: node types with
 * their allowed content, required and allowed attributes, and text marks.
 * It knows the block and inline nodes a Jira description commonly uses;
 * any other node or mark is reported, so a test cannot pass on one the
 * fake does not understand.
 */

type AttrCheck = (value: unknown) => string | undefined;

interface NodeSpec {
  /** Allowed attributes and how each is checked. */
  attrs?: Record<string, AttrCheck>;
  required?: string[];
  /** Node types allowed as content; absent: the node has no content. */
  content?: string[];
  /** Node types allowed as the first child, when stricter than `content`. */
  first?: string[];
  minContent?: number;
  /** Content text nodes may not carry marks (a code block's). */
  plainText?: boolean;
}

interface MarkSpec {
  attrs?: Record<string, AttrCheck>;
  required?: string[];
}

const string: AttrCheck = value =>
  typeof value === 'string' ? undefined : 'must be a string';
const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): AttrCheck =>
  value =>
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
      ? undefined
      : `must be an integer from ${min}${
          max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`
        }`;
const oneOf =
  (...values: unknown[]): AttrCheck =>
  value =>
    values.includes(value)
      ? undefined
      : `must be one of ${values.map(v => JSON.stringify(v)).join(', ')}`;
const uri: AttrCheck = value =>
  typeof value === 'string' && URL.canParse(value)
    ? undefined
    : 'must be a URI';

const INLINE = ['text', 'hardBreak'];
const LIST_ITEM_CONTENT = [
  'paragraph',
  'bulletList',
  'orderedList',
  'codeBlock',
];
const TOP_LEVEL = [
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'codeBlock',
  'blockquote',
  'rule',
];

const NODES: Record<string, NodeSpec> = {
  paragraph: { attrs: { localId: string }, content: INLINE },
  heading: {
    attrs: { level: integer(1, 6), localId: string },
    required: ['level'],
    content: INLINE,
  },
  bulletList: {
    attrs: { localId: string },
    content: ['listItem'],
    minContent: 1,
  },
  orderedList: {
    attrs: { order: integer(0), localId: string },
    content: ['listItem'],
    minContent: 1,
  },
  listItem: {
    attrs: { localId: string },
    first: ['paragraph', 'codeBlock'],
    content: LIST_ITEM_CONTENT,
    minContent: 1,
  },
  codeBlock: {
    attrs: { language: string },
    content: ['text'],
    plainText: true,
  },
  blockquote: { content: LIST_ITEM_CONTENT, minContent: 1 },
  rule: {},
  hardBreak: { attrs: { text: oneOf('\n') } },
};

const MARKS: Record<string, MarkSpec> = {
  strong: {},
  em: {},
  strike: {},
  underline: {},
  code: {},
  link: {
    attrs: {
      href: uri,
      title: string,
      id: string,
      collection: string,
      occurrenceKey: string,
    },
    required: ['href'],
  },
  subsup: { attrs: { type: oneOf('sub', 'sup') }, required: ['type'] },
  textColor: {
    attrs: {
      color: value =>
        typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)
          ? undefined
          : 'must be a #rrggbb color',
    },
    required: ['color'],
  },
};

/** Marks that may be combined with `code`. */
const CODE_COMPANIONS = ['link'];

/**
 * What is wrong with the document, one `path: problem` each; empty when it
 * is a valid ADF v1 document.
 */
export function validateAdf(document: unknown): string[] {
  const problems: string[] = [];
  const report = (path: string, problem: string) =>
    problems.push(path ? `${path}: ${problem}` : problem);

  if (!isObject(document)) {
    report('', 'the document must be an object');
    return problems;
  }
  unknownKeys(document, ['version', 'type', 'content'], '', report);
  if (document.version !== 1) {
    report('version', 'must be 1');
  }
  if (document.type !== 'doc') {
    report('type', "must be 'doc'");
  }
  if (!Array.isArray(document.content)) {
    report('content', 'must be an array');
    return problems;
  }
  document.content.forEach((child, index) =>
    checkNode(child, `content[${index}]`, TOP_LEVEL, false, report),
  );
  return problems;
}

function checkNode(
  node: unknown,
  path: string,
  allowed: string[],
  plainText: boolean,
  report: (path: string, problem: string) => void,
) {
  if (!isObject(node) || typeof node.type !== 'string') {
    report(path, 'must be a node with a type');
    return;
  }
  if (!allowed.includes(node.type)) {
    report(
      path,
      `${node.type} is not allowed here (allowed: ${allowed.join(', ')})`,
    );
    return;
  }
  if (node.type === 'text') {
    checkText(node, path, plainText, report);
    return;
  }
  const spec = NODES[node.type];
  unknownKeys(
    node,
    [
      'type',
      ...(spec.attrs ? ['attrs'] : []),
      ...(spec.content ? ['content'] : []),
    ],
    path,
    report,
  );
  checkAttrs(node.attrs, spec, `${path}.attrs`, report);
  if (!spec.content) {
    return;
  }
  if (node.content === undefined && !spec.minContent) {
    return;
  }
  if (!Array.isArray(node.content)) {
    report(`${path}.content`, 'must be an array');
    return;
  }
  if (node.content.length < (spec.minContent ?? 0)) {
    report(
      `${path}.content`,
      `${node.type} needs at least ${spec.minContent} child node`,
    );
  }
  node.content.forEach((child, index) =>
    checkNode(
      child,
      `${path}.content[${index}]`,
      index === 0 && spec.first ? spec.first : spec.content!,
      spec.plainText ?? false,
      report,
    ),
  );
}

function checkText(
  node: Record<string, unknown>,
  path: string,
  plainText: boolean,
  report: (path: string, problem: string) => void,
) {
  unknownKeys(node, ['type', 'text', 'marks'], path, report);
  if (typeof node.text !== 'string' || node.text === '') {
    report(`${path}.text`, 'must be a non-empty string');
  }
  if (node.marks === undefined) {
    return;
  }
  if (!Array.isArray(node.marks)) {
    report(`${path}.marks`, 'must be an array');
    return;
  }
  if (plainText && node.marks.length > 0) {
    report(`${path}.marks`, 'text in a code block cannot have marks');
  }
  const types = node.marks.map(mark =>
    isObject(mark) ? mark.type : undefined,
  );
  node.marks.forEach((mark, index) => {
    const markPath = `${path}.marks[${index}]`;
    const spec =
      isObject(mark) && typeof mark.type === 'string'
        ? MARKS[mark.type]
        : undefined;
    if (!isObject(mark) || !spec) {
      report(
        markPath,
        `must be one of the marks ${Object.keys(MARKS).join(', ')}`,
      );
      return;
    }
    unknownKeys(
      mark,
      ['type', ...(spec.attrs ? ['attrs'] : [])],
      markPath,
      report,
    );
    checkAttrs(mark.attrs, spec, `${markPath}.attrs`, report);
    if (types.indexOf(mark.type) !== index) {
      report(markPath, `${mark.type} is applied twice`);
    }
  });
  if (
    types.includes('code') &&
    types.some(
      type => type !== 'code' && !CODE_COMPANIONS.includes(String(type)),
    )
  ) {
    report(`${path}.marks`, 'code can only be combined with link');
  }
}

function checkAttrs(
  attrs: unknown,
  spec: NodeSpec | MarkSpec,
  path: string,
  report: (path: string, problem: string) => void,
) {
  const required = spec.required ?? [];
  if (attrs === undefined) {
    if (required.length > 0) {
      report(path, `required (${required.join(', ')})`);
    }
    return;
  }
  if (!isObject(attrs)) {
    report(path, 'must be an object');
    return;
  }
  for (const name of required) {
    if (attrs[name] === undefined) {
      report(`${path}.${name}`, 'is required');
    }
  }
  for (const [name, value] of Object.entries(attrs)) {
    const check = spec.attrs?.[name];
    const problem = check ? check(value) : 'is not an attribute of this type';
    if (problem) {
      report(`${path}.${name}`, problem);
    }
  }
}

function unknownKeys(
  value: Record<string, unknown>,
  known: string[],
  path: string,
  report: (path: string, problem: string) => void,
) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      report(path ? `${path}.${key}` : key, 'is not allowed');
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
