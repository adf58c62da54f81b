import { MultivacWorkflow } from '@multivac/plugin-multivac-node';
import { MultivacContributions } from './MultivacContributions';

describe('MultivacContributions', () => {
  const workflow = { urls: {} } as unknown as MultivacWorkflow;

  it('connects a contribution registered as several kinds once', async () => {
    const contributions = new MultivacContributions();
    const connect = jest.fn();
    const bot = {
      id: 'slack',
      connect,
      onReportChange: async () => {},
      onPageChange: async () => {},
    };
    contributions.reportSubscribers.add(bot);
    contributions.pageSubscribers.add(bot);
    contributions.workflowClients.add({ id: 'chat', connect });

    const workflowFor = jest.fn(() => workflow);
    await contributions.connect(workflowFor);

    expect(connect).toHaveBeenCalledTimes(2);
    expect(connect).toHaveBeenCalledWith(workflow);
    // Each gets the workflow made for its own id.
    expect(workflowFor.mock.calls).toEqual([['slack'], ['chat']]);
  });

  it('leaves contributions without connect alone', async () => {
    const contributions = new MultivacContributions();
    contributions.incidentSubscribers.add({
      id: 'audit',
      onIncidentChange: async () => {},
    });
    await expect(
      contributions.connect(() => workflow),
    ).resolves.toBeUndefined();
  });

  it('lets the same id be used by different kinds, not twice in one', () => {
    const contributions = new MultivacContributions();
    contributions.reportSubscribers.add({
      id: 'slack',
      onReportChange: async () => {},
    });
    contributions.releaseSubscribers.add({
      id: 'slack',
      onReleaseChange: async () => {},
    });
    expect(() =>
      contributions.releaseSubscribers.add({
        id: 'slack',
        onReleaseChange: async () => {},
      }),
    ).toThrow("A release subscriber with id 'slack' is already registered");
  });
});
