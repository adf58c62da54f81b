import { ADA, GRACE, KEN, SLACK_IDS } from './__testUtils__/fixtures';
import { personText } from './people';

describe('personText', () => {
  const people = {
    slackIds: SLACK_IDS,
    names: { [KEN]: 'Ken Thompson', [GRACE]: 'Grace Hopper' },
  };

  it('mentions people who have a Slack user', () => {
    expect(personText(ADA, people)).toBe('<@U0ADA>');
    expect(personText(GRACE, people)).toBe('<@U0GRACE>');
  });

  it('names the others by display name, else by short name, never by ref', () => {
    expect(personText(KEN, people)).toBe('Ken Thompson');
    expect(personText('user:default/alan.turing', people)).toBe('alan.turing');
  });

  it('names the system actor Multivac', () => {
    expect(personText('service:multivac', people)).toBe('Multivac');
    expect(personText('service:pagerduty', people)).toBe('PagerDuty');
  });

  it('shows a name a provider gave as it is, escaped', () => {
    expect(personText('Grace Hopper in PagerDuty', people)).toBe(
      'Grace Hopper in PagerDuty',
    );
    expect(personText('<Grace>: on call', people)).toBe(
      '&lt;Grace&gt;: on call',
    );
  });
});
