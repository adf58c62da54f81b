import { helpText } from './helpText';

describe('helpText', () => {
  const commands = [
    { name: 'start', usage: '[title]', description: 'declare an incident' },
    {
      name: 'status',
      usage: '<status> [note]',
      description: 'move the incident on, e.g. to monitoring',
    },
    { name: 'help', usage: '', description: 'show this' },
  ];

  it('lists every command with its usage', () => {
    const text = helpText(commands, '/multivac');
    expect(text.split('\n')).toEqual([
      '*What I can do*',
      '• `/multivac start [title]` — declare an incident',
      '• `/multivac status &lt;status&gt; [note]` — move the incident on, e.g. to monitoring',
      '• `/multivac help` — show this',
      'Inside an incident channel you can type them as plain messages, without `/multivac`, or mention me first, e.g. `@Multivac help`.',
    ]);
  });

  it('uses the configured slash command', () => {
    expect(helpText(commands, '/incident')).toContain(
      '`/incident start [title]`',
    );
  });
});
