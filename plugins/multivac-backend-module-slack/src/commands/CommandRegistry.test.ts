import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { incidentReadPermission } from '@multivac/plugin-multivac-common';
import { CommandRegistry } from './CommandRegistry';
import { ChatCommand } from './types';

const command = (name: string): ChatCommand => ({
  name,
  usage: '',
  description: `the ${name} command`,
  permission: incidentReadPermission,
  run: async () => {},
});

describe('CommandRegistry', () => {
  const logger = mockServices.logger.mock();

  it('lists help first, then the commands in registration order', () => {
    const registry = new CommandRegistry(
      [command('status'), command('note')],
      '/multivac',
      logger,
    );
    expect(registry.list().map(c => c.name)).toEqual([
      'help',
      'status',
      'note',
    ]);
    expect(registry.has('NOTE')).toBe(true);
  });

  it('refuses a second command with a name already taken, as every registry does', () => {
    const registry = new CommandRegistry(
      [command('status')],
      '/multivac',
      logger,
    );
    expect(() => registry.add(command('status'))).toThrow(
      new ConflictError("A chat command 'status' is already registered"),
    );
    expect(() => registry.add(command('help'))).toThrow(ConflictError);
  });

  it('suggests the command a typo probably meant', () => {
    const registry = new CommandRegistry(
      [command('sev'), command('status'), command('page')],
      '/multivac',
      logger,
    );
    expect(registry.suggest('sevv')).toBe('sev');
    expect(registry.suggest('stauts')).toBe('status');
    expect(registry.suggest('hlep')).toBe('help');
    expect(registry.suggest('deploy')).toBeUndefined();
  });

  it('takes a plain message for a typo of a command only when its arguments fit a closed usage', () => {
    const registry = new CommandRegistry(
      [
        { ...command('sev'), usage: '<1-4>' },
        { ...command('status'), usage: '[new state]' },
        { ...command('resolve'), usage: '' },
        { ...command('note'), usage: '<text>' },
      ],
      '/multivac',
      logger,
    );
    expect(registry.typoOf('sevv 1')).toBe('sev');
    expect(registry.typoOf('sevv SEV2')).toBe('sev');
    expect(registry.typoOf('stauts')).toBe('status');
    expect(registry.typoOf('stauts monitoring')).toBe('status');
    expect(registry.typoOf('resolvd')).toBe('resolve');
    // conversation
    expect(registry.typoOf('resolved')).toBeUndefined();
    expect(registry.typoOf('sevv is bad')).toBeUndefined();
    expect(registry.typoOf('see above')).toBeUndefined();
    expect(registry.typoOf('nope, none yet')).toBeUndefined();
    expect(registry.typoOf('nots about the db')).toBeUndefined();
    expect(registry.typoOf('hlep')).toBeUndefined();
    expect(registry.typoOf('sev 1')).toBeUndefined();
    expect(registry.typoOf('sevv 1\nand more')).toBeUndefined();
  });

  it('answers an unknown service as people talk, with what was probably meant', async () => {
    const registry = new CommandRegistry(
      [
        {
          ...command('page'),
          run: async () => {
            throw new InputError(
              'entityRefs: unknown catalog entity: component:default/paymnets-api. Did you mean payments-api?',
            );
          },
        },
        {
          ...command('oncall'),
          run: async () => {
            throw new InputError(
              'entityRefs: unknown catalog entity: component:default/billing',
            );
          },
        },
      ],
      '/multivac',
      logger,
    );
    const reply = jest.fn(async (_text: string) => {});
    const context = {
      actor: { userRef: 'user:default/ada', name: 'Ada' },
      workflow: { authorize: async () => true } as any,
      reply,
      findUser: async () => undefined,
      openReportForm: async () => {},
    };
    await expect(registry.run('page paymnets-api', context)).resolves.toBe(
      'failed',
    );
    await registry.run('oncall billing', context);
    expect(reply.mock.calls.map(([text]) => text)).toEqual([
      'No service named paymnets-api. Did you mean `payments-api`?',
      'No service named billing.',
    ]);
  });
});
