import { z } from 'zod';
import { fieldErrorsFromMessage, fieldErrorsFromZod } from './fieldErrors';

const fields = ['title', 'entityRef', 'region', 'links', 'severity'];

describe('fieldErrorsFromMessage', () => {
  it("places the server's 400 on the fields it names", () => {
    expect(
      fieldErrorsFromMessage(
        'Invalid report: region: say which region; links.0: must be a full URL (https://...)',
        fields,
      ),
    ).toEqual({
      fields: {
        region: 'say which region',
        links: '#1: must be a full URL (https://...)',
      },
      other: [],
    });
  });

  it("maps the server's name for a field, and keeps a '; ' inside one message", () => {
    expect(
      fieldErrorsFromMessage(
        'entityRefs: unknown catalog entity: component:default/payments-apx. Did you mean payments-api?',
        fields,
        { entityRefs: 'entityRef' },
      ).fields,
    ).toEqual({
      entityRef:
        'unknown catalog entity: component:default/payments-apx. Did you mean payments-api?',
    });
    expect(
      fieldErrorsFromMessage(
        "severity: SEV4 is lower than the rubric's SEV1; give a reason to lower it (severityReason)",
        fields,
      ).fields,
    ).toEqual({
      severity:
        "SEV4 is lower than the rubric's SEV1; give a reason to lower it (severityReason)",
    });
  });

  it('keeps what names no field of the form, and a message naming none whole', () => {
    expect(
      fieldErrorsFromMessage(
        'Invalid report: title: Required; color: nope',
        fields,
      ),
    ).toEqual({ fields: { title: 'Required' }, other: ['color: nope'] });
    expect(
      fieldErrorsFromMessage('Request failed: 503 Service Unavailable', fields),
    ).toEqual({
      fields: {},
      other: ['Request failed: 503 Service Unavailable'],
    });
  });
});

describe('fieldErrorsFromZod', () => {
  it('places the first mistake of each field', () => {
    const schema = z.object({
      title: z.string().min(1, 'say what is broken').max(3, 'too long'),
      links: z.array(z.string().url('must be a full URL')),
      other: z.string(),
    });
    const result = schema.safeParse({ title: '', links: ['x'], other: 1 });
    if (result.success) {
      throw new Error('expected a mistake');
    }
    expect(fieldErrorsFromZod(result.error, fields)).toEqual({
      fields: { title: 'say what is broken', links: '#1: must be a full URL' },
      other: ['other: Expected string, received number'],
    });
  });
});
