import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  multivacPagingChannelsExtensionPoint,
  PagingChannel,
} from '@multivac/plugin-multivac-node';
import { startBackend } from '../__testUtils__/testBackend';
import { AcknowledgeLinks } from './AcknowledgeLinks';
import { readDefaultChannels } from './ChannelPaging';
import { readEmailSettings } from './EmailPagingChannel';

jest.setTimeout(60_000);

const paging = (values: object) =>
  new ConfigReader({ multivac: { paging: values } });

/** A module contributing a paging channel. */
function channelModule(moduleId: string, channelId: string) {
  return createBackendModule({
    pluginId: 'multivac',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { channels: multivacPagingChannelsExtensionPoint },
        async init({ channels }) {
          channels.addChannel({
            id: channelId,
            deliver: async () => ({ status: 'delivered' }),
          });
        },
      });
    },
  });
}

describe('paging channel config', () => {
  const smtp = { host: 'smtp.nimbus.example' };

  it('reads the email settings, with the port following `secure`', () => {
    expect(readEmailSettings(paging({}))).toBeUndefined();
    expect(
      readEmailSettings(
        paging({ email: { smtp, from: 'Multivac <pager@nimbus.example>' } }),
      ),
    ).toEqual({
      smtp: { host: 'smtp.nimbus.example', port: 587, secure: false },
      from: 'Multivac <pager@nimbus.example>',
    });
    expect(
      readEmailSettings(
        paging({
          email: {
            smtp: { ...smtp, secure: true, auth: { user: 'u', pass: 'p' } },
            from: 'pager@nimbus.example',
          },
        }),
      )?.smtp,
    ).toEqual({
      host: 'smtp.nimbus.example',
      port: 465,
      secure: true,
      auth: { user: 'u', pass: 'p' },
    });
  });

  it.each([
    [
      { smtp: { port: 25 }, from: 'pager@nimbus.example' },
      "Missing required config value at 'multivac.paging.email.smtp.host'",
    ],
    [
      { smtp: { ...smtp, port: 70000 }, from: 'pager@nimbus.example' },
      'multivac.paging.email.smtp.port must be a port number from 1 to 65535, got 70000',
    ],
    [
      { smtp, from: 'the pager' },
      "multivac.paging.email.from must be an email address such as 'Multivac <pager@example.com>', got 'the pager'",
    ],
    [{ from: 'pager@nimbus.example' }, "'multivac.paging.email.smtp'"],
  ])('refuses bad email settings naming the key: %j', (email, message) => {
    expect(() => readEmailSettings(paging({ email }))).toThrow(message);
  });

  it('refuses bad acknowledge link settings', () => {
    const links = (acknowledgeLinks: object) =>
      AcknowledgeLinks.fromConfig(paging({ acknowledgeLinks }), {
        discovery: mockServices.discovery(),
      });
    expect(() => links({ validHours: 0 })).toThrow(
      'multivac.paging.acknowledgeLinks.validHours must be a whole number of hours from 1 to 720, got 0',
    );
    expect(() => links({ secret: 'short' })).toThrow(
      'multivac.paging.acknowledgeLinks.secret must be at least 16 characters long',
    );
    expect(links({}).ephemeral).toBe(true);
    expect(
      AcknowledgeLinks.fromConfig(
        new ConfigReader({
          backend: { auth: { keys: [{ secret: 'the-backends-own-secret' }] } },
        }),
        { discovery: mockServices.discovery() },
      ).ephemeral,
    ).toBe(false);
  });

  it('takes every channel by default, and refuses a default naming one that is not enabled', () => {
    const channels = [{ id: 'slack' }, { id: 'email' }] as PagingChannel[];
    expect(readDefaultChannels(paging({}), channels)).toEqual([
      'slack',
      'email',
    ]);
    expect(
      readDefaultChannels(paging({ defaultChannels: ['email'] }), channels),
    ).toEqual(['email']);
    expect(() =>
      readDefaultChannels(
        paging({ defaultChannels: ['email', 'webhook'] }),
        channels,
      ),
    ).toThrow(
      "multivac.paging.defaultChannels: 'webhook' is not an enabled paging channel (enabled: slack, email)",
    );
  });

  it('fails the start-up on a bad email setting', async () => {
    await expect(
      startBackend(undefined, {
        paging: { email: { smtp: { host: 'smtp.example' }, from: 'nobody' } },
      }),
    ).rejects.toThrow(/multivac\.paging\.email\.from must be an email address/);
  });

  it('fails the start-up when two modules contribute a channel with the same id', async () => {
    await expect(
      startBackend(undefined, {}, [
        channelModule('sms-a', 'sms'),
        channelModule('sms-b', 'sms'),
      ]),
    ).rejects.toThrow("A paging channel with id 'sms' is already registered");
  });

  it('fails the start-up when a module takes the id of a built-in channel', async () => {
    await expect(
      startBackend(
        undefined,
        {
          paging: {
            email: { smtp: { host: 'smtp.example' }, from: 'p@nimbus.example' },
          },
        },
        [channelModule('other-mail', 'email')],
      ),
    ).rejects.toThrow(
      "A module contributed a paging channel 'email', the id of a built-in channel",
    );
  });
});
