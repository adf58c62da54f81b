import {
  allowedPostmortemTransitions,
  DEFAULT_POSTMORTEM_TEMPLATE,
  listPostmortemsQuerySchema,
  parsePostmortemReference,
  updateActionItemSchema,
  updatePostmortemSchema,
} from './postmortems';
import { describeZodError } from './schemas';

describe('post-mortem lifecycle', () => {
  it('goes draft → in review → published, back to draft from review only', () => {
    expect(allowedPostmortemTransitions('draft')).toEqual(['in_review']);
    expect(allowedPostmortemTransitions('in_review')).toEqual([
      'draft',
      'published',
    ]);
    expect(allowedPostmortemTransitions('published')).toEqual([]);
  });
});

describe('DEFAULT_POSTMORTEM_TEMPLATE', () => {
  it('asks what went well before what went wrong', () => {
    expect(DEFAULT_POSTMORTEM_TEMPLATE.map(s => s.title)).toEqual([
      'Summary',
      'Trigger',
      'Impact',
      'Detection',
      'Resolution',
      'What went well',
      'What went wrong',
      'Where we got lucky',
    ]);
  });
});

describe('parsePostmortemReference', () => {
  it('reads PM-n in any case', () => {
    expect(parsePostmortemReference(' pm-12 ')).toBe(12);
    expect(parsePostmortemReference('INC-12')).toBeUndefined();
  });
});

describe('request schemas', () => {
  const problems = (result: { success: boolean; error?: any }) =>
    result.success ? 'ok' : describeZodError(result.error);

  it('refuses empty updates, impossible dates and long sections', () => {
    expect(problems(updatePostmortemSchema.safeParse({}))).toBe(
      'name at least one field to change',
    );
    expect(
      problems(updatePostmortemSchema.safeParse({ dueDate: '2026-02-30' })),
    ).toBe('dueDate: is not a calendar day');
    expect(
      problems(updatePostmortemSchema.safeParse({ dueDate: '30.11.2026' })),
    ).toBe('dueDate: must be a date, YYYY-MM-DD');
    expect(
      problems(
        updatePostmortemSchema.safeParse({
          sections: { summary: 'x'.repeat(20001) },
        }),
      ),
    ).toMatch(/^sections\.summary: String must contain at most 20000/);
    expect(
      problems(updatePostmortemSchema.safeParse({ title: 'no such field' })),
    ).toMatch(/Unrecognized key/);
  });

  it('lets action item updates clear the owner and due date', () => {
    expect(
      updateActionItemSchema.parse({ ownerRef: null, dueDate: null }),
    ).toEqual({ ownerRef: null, dueDate: null });
    expect(problems(updateActionItemSchema.safeParse({ title: ' ' }))).toBe(
      'title: say what needs doing',
    );
  });

  it('reads list filters from a query string', () => {
    expect(
      listPostmortemsQuerySchema.parse({
        q: ' database ',
        status: 'draft',
        severity: ['SEV1', 'SEV2'],
        overdue: 'true',
      }),
    ).toEqual({
      q: 'database',
      status: ['draft'],
      severity: ['SEV1', 'SEV2'],
      overdue: true,
      limit: 20,
      offset: 0,
    });
    expect(
      problems(listPostmortemsQuerySchema.safeParse({ overdue: 'yes' })),
    ).toMatch(/^overdue: Invalid enum value/);
  });
});
