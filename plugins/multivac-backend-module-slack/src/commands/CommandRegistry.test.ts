import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
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
});
