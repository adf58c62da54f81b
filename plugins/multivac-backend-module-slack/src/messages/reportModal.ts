import {
  IMPACT_SCOPE_LABELS,
  IMPACT_SCOPES,
  isLowerSeverity,
  rateSeverity,
  ReportRequest,
  reportRequestSchema,
  SEVERITIES,
  SEVERITY_DESCRIPTIONS,
  SeverityRubric,
  USERS_AFFECTED,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import {
  InputBlock,
  InputBlockElement,
  PlainTextElement,
  PlainTextOption,
  View,
} from '@slack/web-api';
import { REPORT_MODAL_CALLBACK_ID } from './actions';
import { truncate } from './blocks';

/** The modal's inputs; each is both the `block_id` and the `action_id`. */
export type ReportField =
  | 'title'
  | 'description'
  | 'entity'
  | 'usersAffected'
  | 'scope'
  | 'where'
  | 'customerFacing'
  | 'startedAt'
  | 'links'
  | 'severity'
  | 'severityReason';

/** `view.state.values` of a submitted modal: by `block_id`, then `action_id`. */
export type ReportSubmissionValues = Record<
  string,
  Record<
    string,
    {
      type: string;
      value?: string | null;
      selected_option?: { value: string } | null;
      /** Unix seconds, from a `datetimepicker`. */
      selected_date_time?: number | null;
    }
  >
>;

export type ReportSubmission =
  | { ok: true; request: ReportRequest; entity: string }
  /** Messages by `block_id` (a {@link ReportField}). */
  | { ok: false; errors: Record<string, string> };

/** Slack's limit for a `plain_text_input`. */
const INPUT_MAX = 3000;

const plain = (text: string): PlainTextElement => ({
  type: 'plain_text',
  text,
});

const option = (
  value: string,
  text: string,
  description?: string,
): PlainTextOption => ({
  text: plain(text),
  value,
  ...(description && { description: plain(description) }),
});

function input(
  field: ReportField,
  label: string,
  element: InputBlockElement,
  extra: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: field,
    label: plain(label),
    element: { ...element, action_id: field },
    ...(extra.optional && { optional: true }),
    ...(extra.hint && { hint: plain(extra.hint) }),
  };
}

/** The triage form in Slack, the same questions as the portal's. */
export function reportModal(
  rubric: SeverityRubric,
  options: { entityRef?: string; privateMetadata?: string },
): View {
  return {
    type: 'modal',
    callback_id: REPORT_MODAL_CALLBACK_ID,
    title: plain('Report a problem'),
    submit: plain('Report'),
    close: plain('Cancel'),
    ...(options.privateMetadata !== undefined && {
      private_metadata: options.privateMetadata,
    }),
    blocks: [
      input('title', 'What is broken?', {
        type: 'plain_text_input',
        max_length: 200,
        placeholder: plain('e.g. Checkout fails with a 500 error'),
      }),
      input(
        'description',
        'What do you see?',
        { type: 'plain_text_input', multiline: true, max_length: INPUT_MAX },
        { optional: true },
      ),
      input(
        'entity',
        'Affected service or component',
        {
          type: 'plain_text_input',
          ...(options.entityRef && { initial_value: options.entityRef }),
        },
        {
          hint: 'the catalog name, e.g. payments-api or component:default/payments-api',
        },
      ),
      input('usersAffected', 'How many users are affected?', {
        type: 'static_select',
        options: USERS_AFFECTED.map(value =>
          option(value, USERS_AFFECTED_LABELS[value]),
        ),
      }),
      input('scope', 'Where is it seen?', {
        type: 'static_select',
        options: IMPACT_SCOPES.map(value =>
          option(value, IMPACT_SCOPE_LABELS[value]),
        ),
      }),
      input(
        'where',
        'Which region or customer',
        { type: 'plain_text_input', max_length: 200 },
        { optional: true, hint: 'needed for one region or a single customer' },
      ),
      input('customerFacing', 'Do customers see it?', {
        type: 'radio_buttons',
        options: [
          option('yes', 'Yes, customers see it'),
          option('no', 'No, it is internal'),
        ],
      }),
      input(
        'startedAt',
        'When did it start?',
        { type: 'datetimepicker' },
        { optional: true },
      ),
      input(
        'links',
        'Links',
        { type: 'plain_text_input', multiline: true, max_length: INPUT_MAX },
        { optional: true, hint: 'one URL per line' },
      ),
      {
        type: 'context',
        elements: IMPACT_SCOPES.map(scope => ({
          type: 'mrkdwn' as const,
          text: `*${IMPACT_SCOPE_LABELS[scope]}:* ${USERS_AFFECTED.map(
            users =>
              `${USERS_AFFECTED_LABELS[users]} → ${rubric[scope][users]}`,
          ).join(', ')}`,
        })),
      },
      input(
        'severity',
        'Severity',
        {
          type: 'static_select',
          options: SEVERITIES.map(severity =>
            option(severity, severity, SEVERITY_DESCRIPTIONS[severity]),
          ),
        },
        { optional: true, hint: 'leave empty to use the rubric' },
      ),
      input(
        'severityReason',
        'Why this severity?',
        { type: 'plain_text_input', multiline: true, max_length: 2000 },
        {
          optional: true,
          hint: 'required when you choose a lower severity than the rubric',
        },
      ),
    ],
  };
}

/** The request's field → the modal input that holds it. */
const BLOCK_OF: Record<string, ReportField> = {
  region: 'where',
  customer: 'where',
  entityRef: 'entity',
};

/** Said when a required choice is missing (Slack usually prevents that). */
const MISSING: Partial<Record<ReportField, string>> = {
  usersAffected: 'say how many users are affected',
  scope: 'say where it is seen',
  customerFacing: 'say whether customers see it',
};

/**
 * Reads a submitted report modal into a report request, or errors by
 * `block_id` for Slack to show under the inputs (`response_action: errors`).
 * `entity` is the text typed, for the caller to find in the catalog.
 */
export function parseReportSubmission(
  values: ReportSubmissionValues,
  rubric: SeverityRubric,
): ReportSubmission {
  const element = (field: ReportField) => values[field]?.[field];
  const text = (field: ReportField) => element(field)?.value ?? undefined;
  const selected = (field: ReportField) =>
    element(field)?.selected_option?.value;

  const scope = selected('scope');
  const customerFacing = selected('customerFacing');
  const startedAt = element('startedAt')?.selected_date_time;
  const raw = {
    title: text('title') ?? '',
    description: text('description'),
    entityRef: text('entity') ?? '',
    usersAffected: selected('usersAffected'),
    scope,
    region: scope === 'region' ? text('where') : undefined,
    customer: scope === 'customer' ? text('where') : undefined,
    customerFacing:
      customerFacing === undefined ? undefined : customerFacing === 'yes',
    startedAt:
      typeof startedAt === 'number'
        ? new Date(startedAt * 1000).toISOString()
        : undefined,
    links: (text('links') ?? '').split(/\s+/).filter(Boolean),
    severity: selected('severity'),
    severityReason: text('severityReason'),
  };

  const errors: Record<string, string> = {};
  const parsed = reportRequestSchema.safeParse(raw, {
    // Only for zod's own messages: messages written in the schema are kept.
    errorMap: (issue, ctx) => {
      const field = String(issue.path[0]);
      if (
        (issue.code === 'invalid_type' && issue.received === 'undefined') ||
        issue.code === 'invalid_enum_value'
      ) {
        return { message: MISSING[field as ReportField] ?? 'pick one' };
      }
      if (issue.code === 'too_big') {
        return {
          message:
            issue.type === 'array'
              ? `at most ${issue.maximum} ${field}`
              : `keep it to ${issue.maximum} characters`,
        };
      }
      if (issue.code === 'invalid_string' && issue.validation === 'datetime') {
        return { message: 'pick a date and a time' };
      }
      return { message: ctx.defaultError };
    },
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [name, index] = issue.path;
      const block = BLOCK_OF[name] ?? String(name);
      // say which of the links is wrong
      errors[block] ??=
        typeof index === 'number' && name === 'links'
          ? `${truncate(raw.links[index], 60)}: ${issue.message}`
          : issue.message;
    }
  }

  const reasonError = lowerThanRubric(raw, rubric);
  if (reasonError) {
    errors.severityReason ??= reasonError;
  }

  if (!parsed.success || Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, request: parsed.data, entity: parsed.data.entityRef };
}

function isOneOf<T extends string>(
  list: readonly T[],
  value: string | undefined,
): value is T {
  return (list as readonly (string | undefined)[]).includes(value);
}

/** The rubric rule: a lower severity than the rubric's needs a reason. */
function lowerThanRubric(
  raw: {
    usersAffected?: string;
    scope?: string;
    severity?: string;
    severityReason?: string;
  },
  rubric: SeverityRubric,
): string | undefined {
  const { usersAffected, scope, severity } = raw;
  if (
    !isOneOf(USERS_AFFECTED, usersAffected) ||
    !isOneOf(IMPACT_SCOPES, scope) ||
    !isOneOf(SEVERITIES, severity) ||
    raw.severityReason?.trim()
  ) {
    return undefined;
  }
  const rated = rateSeverity(rubric, { usersAffected, scope });
  return isLowerSeverity(severity, rated.severity)
    ? `${severity} is lower than the rubric's ${rated.severity} (${rated.reason}): say why`
    : undefined;
}
