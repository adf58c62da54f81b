import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import catalogModuleMultivacSchedules from '.';
import { ScheduleEntityProcessor } from './ScheduleEntityProcessor';

describe('catalogModuleMultivacSchedules', () => {
  it('adds the Schedule processor to the catalog', async () => {
    const addProcessor = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addProcessor } as any],
      ],
      features: [catalogModuleMultivacSchedules],
    });
    expect(addProcessor).toHaveBeenCalledWith(
      expect.any(ScheduleEntityProcessor),
    );
  });
});
