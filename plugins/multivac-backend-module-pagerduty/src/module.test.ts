import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  multivacOnCallExtensionPoint,
  OnCallProvider,
} from '@multivac/plugin-multivac-node';
import { multivacModulePagerDuty } from './module';

describe('multivacModulePagerDuty', () => {
  async function start(config: object) {
    const providers: OnCallProvider[] = [];
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      extensionPoints: [
        [
          multivacOnCallExtensionPoint,
          { addProvider: provider => providers.push(provider) },
        ],
      ],
      features: [
        multivacModulePagerDuty,
        mockServices.rootConfig.factory({ data: config }),
        logger.factory,
      ],
    });
    await backend.stop();
    return { providers, logger };
  }

  it('registers nothing without multivac.pagerDuty', async () => {
    const { providers, logger } = await start({ multivac: {} });

    expect(providers).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('PagerDuty not configured');
  });

  it('registers the PagerDuty provider when configured', async () => {
    const { providers } = await start({
      multivac: { pagerDuty: { apiToken: 'token' } },
    });

    expect(providers.map(p => p.id)).toEqual(['pagerduty']);
  });
});
