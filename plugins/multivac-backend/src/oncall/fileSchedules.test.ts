import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import path from 'path';
import { schedulesInCatalogFiles } from './fileSchedules';

const backendDir = path.resolve(__dirname, '../../../../packages/backend');

describe('schedulesInCatalogFiles', () => {
  it("reads the demo's schedules from the file locations of app-config.yaml", () => {
    const config = new ConfigReader({
      catalog: {
        locations: [
          { type: 'file', target: '../../examples/org.yaml' },
          { type: 'file', target: '../../examples/schedules.yaml' },
          { type: 'url', target: 'https://example.com/catalog-info.yaml' },
        ],
      },
    });
    const schedules = schedulesInCatalogFiles(
      config,
      mockServices.logger.mock(),
      backendDir,
    );
    expect(schedules.map(s => [s.id, s.name, s.timeZone])).toEqual([
      ['payments-primary', 'Payments primary', 'Europe/Berlin'],
      ['storefront-primary', 'Storefront primary', 'America/New_York'],
      ['platform-primary', 'Platform SRE follow-the-sun', 'UTC'],
    ]);
  });

  it('skips a file it cannot read, saying so', () => {
    const logger = mockServices.logger.mock();
    const config = new ConfigReader({
      catalog: { locations: [{ type: 'file', target: 'nope.yaml' }] },
    });
    expect(schedulesInCatalogFiles(config, logger, backendDir)).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('nope.yaml for its schedules'),
    );
  });
});
