import { ConflictError } from '@backstage/errors';
import { ContributionRegistry } from './ContributionRegistry';

describe('ContributionRegistry', () => {
  it('keeps contributions in registration order', () => {
    const registry = new ContributionRegistry<{ id: string }>('subscriber');
    registry.add({ id: 'slack' });
    registry.add({ id: 'pagerduty' });
    expect(registry.list().map(c => c.id)).toEqual(['slack', 'pagerduty']);
  });

  it('refuses a second contribution with the same id', () => {
    const registry = new ContributionRegistry<{ id: string }>(
      'incident subscriber',
    );
    registry.add({ id: 'slack' });
    expect(() => registry.add({ id: 'slack' })).toThrow(
      new ConflictError(
        "An incident subscriber with id 'slack' is already registered",
      ),
    );
    expect(registry.list()).toHaveLength(1);
  });

  it('refuses a second contribution of a kind that allows one, saying why', () => {
    const registry = new ContributionRegistry<{ id: string }>('issue tracker', {
      reason: 'Multivac tracks post-mortems in one tracker',
    });
    registry.add({ id: 'jira' });
    expect(() => registry.add({ id: 'linear' })).toThrow(
      "Cannot add issue tracker 'linear': 'jira' is already registered, and Multivac tracks post-mortems in one tracker",
    );
  });
});
