import {
  DEFAULT_SEVERITY_RUBRIC,
  SEVERITIES,
} from '@multivac/plugin-multivac-common';
import { InputBlock, ModalView } from '@slack/web-api';
import { REPORT_MODAL_CALLBACK_ID } from './actions';
import {
  parseReportSubmission,
  reportModal,
  ReportSubmissionValues,
} from './reportModal';

const rubric = DEFAULT_SEVERITY_RUBRIC;

describe('reportModal', () => {
  const view = reportModal(rubric, {
    entityRef: 'component:default/payments-api',
    privateMetadata: '{"channel":"C0TRIAGE"}',
  }) as ModalView;
  const inputs = view.blocks.filter(
    (block): block is InputBlock => block.type === 'input',
  );
  const byId = (id: string) => inputs.find(block => block.block_id === id)!;

  it('is the report modal', () => {
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: REPORT_MODAL_CALLBACK_ID,
      submit: { type: 'plain_text', text: 'Report' },
      close: { type: 'plain_text', text: 'Cancel' },
      private_metadata: '{"channel":"C0TRIAGE"}',
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });

  it('has one input per field, with the same block and action id', () => {
    expect(inputs.map(block => block.block_id)).toEqual([
      'title',
      'description',
      'entity',
      'usersAffected',
      'scope',
      'where',
      'customerFacing',
      'startedAt',
      'links',
      'severity',
      'severityReason',
    ]);
    for (const block of inputs) {
      expect(block.element.action_id).toBe(block.block_id);
    }
    expect(
      inputs.filter(block => block.optional).map(block => block.block_id),
    ).toEqual([
      'description',
      'where',
      'startedAt',
      'links',
      'severity',
      'severityReason',
    ]);
  });

  it('uses the right elements', () => {
    expect(byId('title').element).toMatchObject({
      type: 'plain_text_input',
      max_length: 200,
    });
    expect(byId('description').element).toMatchObject({ multiline: true });
    expect(byId('entity')).toMatchObject({
      element: { initial_value: 'component:default/payments-api' },
      hint: {
        text: 'the catalog name, e.g. payments-api or component:default/payments-api',
      },
    });
    expect(byId('where').label.text).toBe('Which region or customer');
    expect(byId('customerFacing').element).toMatchObject({
      type: 'radio_buttons',
      options: [{ value: 'yes' }, { value: 'no' }],
    });
    expect(byId('startedAt').element.type).toBe('datetimepicker');
    expect(byId('links')).toMatchObject({
      element: { multiline: true },
      hint: { text: 'one URL per line' },
    });
    expect(byId('severity').hint?.text).toBe('leave empty to use the rubric');
    expect(byId('severityReason').hint?.text).toBe(
      'required when you choose a lower severity than the rubric',
    );
  });

  it('offers the brackets, scopes and severities with their labels', () => {
    expect(byId('usersAffected').element).toMatchObject({
      type: 'static_select',
      options: expect.arrayContaining([
        { text: { type: 'plain_text', text: '11–100 users' }, value: 'dozens' },
      ]),
    });
    expect(byId('scope').element).toMatchObject({
      options: [
        { value: 'global', text: { text: 'Everywhere' } },
        { value: 'region', text: { text: 'One region' } },
        { value: 'customer', text: { text: 'A single customer' } },
      ],
    });
    const severity = byId('severity').element as {
      options: Array<{ value: string; description: { text: string } }>;
    };
    expect(severity.options.map(o => o.value)).toEqual([...SEVERITIES]);
    for (const option of severity.options) {
      // Slack rejects longer option descriptions
      expect(option.description.text.length).toBeLessThanOrEqual(75);
    }
  });

  it('shows the rubric just above the severity', () => {
    const index = view.blocks.findIndex(block => block.block_id === 'severity');
    const context = view.blocks[index - 1] as {
      type: string;
      elements: Array<{ text: string }>;
    };
    expect(context.type).toBe('context');
    expect(context.elements.map(e => e.text)).toEqual([
      '*Everywhere:* One user → SEV3, 2–10 users → SEV3, 11–100 users → SEV2, 101–1,000 users → SEV1, More than 1,000 users → SEV1',
      '*One region:* One user → SEV4, 2–10 users → SEV3, 11–100 users → SEV2, 101–1,000 users → SEV2, More than 1,000 users → SEV1',
      '*A single customer:* One user → SEV4, 2–10 users → SEV3, 11–100 users → SEV3, 101–1,000 users → SEV2, More than 1,000 users → SEV2',
    ]);
  });

  it('leaves out what was not given', () => {
    const plain = reportModal(rubric, {}) as ModalView;
    expect(plain.private_metadata).toBeUndefined();
    expect(
      (plain.blocks.find(b => b.block_id === 'entity') as InputBlock).element,
    ).not.toHaveProperty('initial_value');
  });
});

describe('parseReportSubmission', () => {
  const text = (value: string | null) => ({ type: 'plain_text_input', value });
  const select = (value?: string) => ({
    type: 'static_select',
    selected_option: value ? { value } : null,
  });
  const submitted = (
    fields: Record<string, ReportSubmissionValues[string][string]> = {},
  ): ReportSubmissionValues => {
    const all: Record<string, ReportSubmissionValues[string][string]> = {
      title: text(' Checkout fails '),
      description: text(null),
      entity: text('payments-api'),
      usersAffected: select('dozens'),
      scope: select('region'),
      where: text('eu-west-1'),
      customerFacing: {
        type: 'radio_buttons',
        selected_option: { value: 'yes' },
      },
      startedAt: { type: 'datetimepicker', selected_date_time: null },
      links: text(null),
      severity: select(),
      severityReason: text(null),
      ...fields,
    };
    return Object.fromEntries(
      Object.entries(all).map(([id, value]) => [id, { [id]: value }]),
    );
  };

  it('reads a minimal report', () => {
    expect(parseReportSubmission(submitted(), rubric)).toEqual({
      ok: true,
      entity: 'payments-api',
      request: {
        title: 'Checkout fails',
        description: '',
        entityRef: 'payments-api',
        usersAffected: 'dozens',
        scope: 'region',
        region: 'eu-west-1',
        customer: undefined,
        customerFacing: true,
        startedAt: undefined,
        links: [],
        severity: undefined,
        severityReason: undefined,
      },
    });
  });

  it('reads every field', () => {
    const result = parseReportSubmission(
      submitted({
        description: text('All card payments fail.'),
        scope: select('customer'),
        where: text('ACME'),
        customerFacing: {
          type: 'radio_buttons',
          selected_option: { value: 'no' },
        },
        startedAt: { type: 'datetimepicker', selected_date_time: 1741182600 },
        links: text(
          'https://grafana.example.com/d/1\n\n  https://status.example.com \n',
        ),
        severity: select('SEV4'),
        severityReason: text('only their test account'),
      }),
      rubric,
    );
    expect(result).toMatchObject({
      ok: true,
      request: {
        description: 'All card payments fail.',
        scope: 'customer',
        region: undefined,
        customer: 'ACME',
        customerFacing: false,
        startedAt: '2025-03-05T13:50:00.000Z',
        links: [
          'https://grafana.example.com/d/1',
          'https://status.example.com',
        ],
        severity: 'SEV4',
        severityReason: 'only their test account',
      },
    });
  });

  it.each([
    [{ title: text('  ') }, { title: 'say what is broken' }],
    [
      { title: text('x'.repeat(201)) },
      { title: 'keep it to one line (200 characters)' },
    ],
    [
      { entity: text(' ') },
      { entity: 'pick the affected service or component' },
    ],
    [{ where: text(null) }, { where: 'say which region' }],
    [
      { scope: select('customer'), where: text('') },
      { where: 'say which customer' },
    ],
    [{ where: text('r'.repeat(101)) }, { where: 'keep it to 100 characters' }],
    [
      { links: text('https://ok.example.com\nnot-a-url') },
      { links: 'not-a-url: must be a full URL (https://...)' },
    ],
    [
      {
        links: text(
          Array.from({ length: 21 }, (_, i) => `https://e.com/${i}`).join('\n'),
        ),
      },
      { links: 'at most 20 links' },
    ],
    [
      { usersAffected: select() },
      { usersAffected: 'say how many users are affected' },
    ],
    [{ scope: select() }, { scope: 'say where it is seen' }],
    [
      { customerFacing: { type: 'radio_buttons', selected_option: null } },
      { customerFacing: 'say whether customers see it' },
    ],
  ])('maps an invalid %j to its input', (fields, errors) => {
    expect(parseReportSubmission(submitted(fields), rubric)).toEqual({
      ok: false,
      errors,
    });
  });

  it('reports every invalid input at once', () => {
    const result = parseReportSubmission(
      submitted({ title: text(''), entity: text(''), where: text('') }),
      rubric,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        title: 'say what is broken',
        entity: 'pick the affected service or component',
        where: 'say which region',
      },
    });
  });

  it('asks why the severity is lower than the rubric', () => {
    expect(
      parseReportSubmission(submitted({ severity: select('SEV4') }), rubric),
    ).toEqual({
      ok: false,
      errors: {
        severityReason:
          "SEV4 is lower than the rubric's SEV2 (11–100 users, one region: SEV2 by the severity rubric): say why",
      },
    });
  });

  it('checks the rubric rule alongside other errors', () => {
    const result = parseReportSubmission(
      submitted({ title: text(''), severity: select('SEV3') }),
      rubric,
    );
    expect(result).toMatchObject({
      ok: false,
      errors: {
        title: 'say what is broken',
        severityReason: expect.stringMatching(/^SEV3 is lower/),
      },
    });
  });

  it('needs no reason for the rubric severity or a higher one', () => {
    for (const severity of ['SEV1', 'SEV2']) {
      expect(
        parseReportSubmission(
          submitted({ severity: select(severity) }),
          rubric,
        ),
      ).toMatchObject({ ok: true, request: { severity } });
    }
  });

  it('follows the configured rubric', () => {
    const strict = {
      ...rubric,
      region: { ...rubric.region, dozens: 'SEV1' as const },
    };
    expect(
      parseReportSubmission(submitted({ severity: select('SEV2') }), strict),
    ).toMatchObject({
      ok: false,
      errors: {
        severityReason: expect.stringMatching(
          /^SEV2 is lower than the rubric's SEV1/,
        ),
      },
    });
  });

  it('tolerates inputs Slack left out', () => {
    const values = submitted();
    delete values.description;
    delete values.links;
    expect(parseReportSubmission(values, rubric)).toMatchObject({ ok: true });
  });
});
