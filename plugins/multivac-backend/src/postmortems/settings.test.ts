import { ConfigReader } from '@backstage/config';
import { DEFAULT_POSTMORTEM_TEMPLATE } from '@multivac/plugin-multivac-common';
import { readPostmortemSettings } from './settings';

const read = (postmortems: object) =>
  readPostmortemSettings(new ConfigReader({ multivac: { postmortems } }));

describe('readPostmortemSettings', () => {
  it('has defaults for everything', () => {
    expect(readPostmortemSettings(new ConfigReader({}))).toEqual({
      template: DEFAULT_POSTMORTEM_TEMPLATE,
      dueBusinessDays: 5,
      timeZone: 'UTC',
      trackerSyncMinutes: 15,
      requiredSections: ['summary', 'trigger', 'impact'],
      requireActionItems: true,
      maxDefaultReviewers: 10,
    });
  });

  it('takes the required sections from the template when it names them', () => {
    expect(
      read({
        template: [
          { id: 'summary', title: 'Summary' },
          { id: 'cause', title: 'Root cause', required: true },
          { id: 'impact', title: 'Impact', required: false },
        ],
        requireActionItems: false,
      }),
    ).toMatchObject({ requiredSections: ['cause'], requireActionItems: false });
    // Without a word on it: the default sections that the template has.
    expect(
      read({
        template: [
          { id: 'summary', title: 'Summary' },
          { id: 'cause', title: 'Root cause' },
        ],
      }).requiredSections,
    ).toEqual(['summary']);
  });

  it('takes a template of its own', () => {
    const template = [
      { id: 'story', title: 'What happened' },
      { id: 'impact', title: 'Impact', hint: 'Numbers, please' },
    ];
    expect(
      read({ template, dueBusinessDays: 3, timeZone: 'Europe/Berlin' }),
    ).toMatchObject({
      template,
      dueBusinessDays: 3,
      timeZone: 'Europe/Berlin',
    });
  });

  it('fails the start-up naming what is wrong', () => {
    expect(() => read({ timeZone: 'Mars/Olympus' })).toThrow(
      'Invalid multivac.postmortems: timeZone: must be an IANA time zone',
    );
    expect(() =>
      read({
        template: [
          { id: 'summary', title: 'Summary' },
          { id: 'summary', title: 'Again' },
        ],
      }),
    ).toThrow('template: section ids must be unique');
    expect(() =>
      read({ template: [{ id: 'action-items', title: 'Action items' }] }),
    ).toThrow(
      'template.0.id: action items are the post-mortem’s list of action items, not a text section',
    );
    expect(() => read({ template: [{ id: 'Went Well', title: 'x' }] })).toThrow(
      'template.0.id: use lower-case letters, digits and dashes',
    );
  });
});
