import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { WorkflowHandle } from './WorkflowHandle';

describe('WorkflowHandle', () => {
  it('is a 503 until the workflow is handed over, then the workflow', () => {
    const handle = new WorkflowHandle();
    const workflow = { urls: {} } as MultivacWorkflow;

    expect(() => handle.get()).toThrow(
      expect.objectContaining({
        name: 'ServiceUnavailableError',
        message: 'The multivac plugin has not started yet',
      }),
    );
    handle.set(workflow);
    expect(handle.get()).toBe(workflow);
  });
});
