import { z } from 'zod';
import { describeZodError } from './schemas';

describe('describeZodError', () => {
  const schema = z.object({
    title: z.string().min(1, 'must not be empty'),
    links: z.array(z.string().url('must be a full URL')),
    force: z.object({ reason: z.string().min(1, 'say why') }).optional(),
  });
  const error = schema.safeParse({
    title: '',
    links: ['https://example.com', 'nope'],
    force: { reason: '' },
  }).error!;

  it('names fields by their schema path', () => {
    expect(describeZodError(error)).toBe(
      'title: must not be empty; links.1: must be a full URL; force.reason: say why',
    );
  });

  it("names fields by the form's labels, with list positions counted from 1", () => {
    expect(
      describeZodError(error, {
        title: 'What is broken',
        links: 'Links',
        'force.reason': 'Why it may go ahead',
      }),
    ).toBe(
      'What is broken: must not be empty; Links #2: must be a full URL; Why it may go ahead: say why',
    );
    expect(describeZodError(error, { title: 'What is broken' })).toBe(
      'What is broken: must not be empty; links.1: must be a full URL; force.reason: say why',
    );
  });

  it('gives a message without a path as it is', () => {
    const refined = z
      .object({ a: z.number() })
      .refine(() => false, 'no good')
      .safeParse({ a: 1 }).error!;
    expect(describeZodError(refined, { a: 'A' })).toBe('no good');
  });
});
