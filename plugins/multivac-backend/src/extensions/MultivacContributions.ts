import { BackendPluginRegistrationPoints } from '@backstage/backend-plugin-api';
import {
  AlertGroupSubscriber,
  IncidentSubscriber,
  IssueTracker,
  MultivacContribution,
  multivacIncidentsExtensionPoint,
  multivacIssueTrackerExtensionPoint,
  multivacOnCallExtensionPoint,
  multivacPagingChannelsExtensionPoint,
  multivacReleasesExtensionPoint,
  MultivacWorkflow,
  multivacWorkflowExtensionPoint,
  OnCallProvider,
  PageSubscriber,
  PagingChannel,
  PostmortemSubscriber,
  ReleaseSubscriber,
  ReportSubscriber,
  WorkflowClient,
} from '@multivac/plugin-multivac-node';
import { ContributionRegistry } from './ContributionRegistry';

/** What modules contributed, one registry per kind. */
export class MultivacContributions {
  readonly incidentSubscribers = new ContributionRegistry<IncidentSubscriber>(
    'incident subscriber',
  );
  readonly reportSubscribers = new ContributionRegistry<ReportSubscriber>(
    'report subscriber',
  );
  readonly pageSubscribers = new ContributionRegistry<PageSubscriber>(
    'page subscriber',
  );
  readonly postmortemSubscribers =
    new ContributionRegistry<PostmortemSubscriber>('post-mortem subscriber');
  readonly releaseSubscribers = new ContributionRegistry<ReleaseSubscriber>(
    'release subscriber',
  );
  readonly alertGroupSubscribers =
    new ContributionRegistry<AlertGroupSubscriber>('alert group subscriber');
  readonly onCallProviders = new ContributionRegistry<OnCallProvider>(
    'on-call provider',
  );
  readonly pagingChannels = new ContributionRegistry<PagingChannel>(
    'paging channel',
  );
  readonly issueTrackers = new ContributionRegistry<IssueTracker>(
    'issue tracker',
    { reason: 'Multivac tracks post-mortems in one tracker' },
  );
  readonly workflowClients = new ContributionRegistry<WorkflowClient>(
    'workflow client',
  );

  /** Registers the plugin's extension points, each adding to its registry. */
  registerExtensionPoints(env: BackendPluginRegistrationPoints): void {
    env.registerExtensionPoint(multivacIncidentsExtensionPoint, {
      addSubscriber: subscriber => this.incidentSubscribers.add(subscriber),
    });
    env.registerExtensionPoint(multivacOnCallExtensionPoint, {
      addProvider: provider => this.onCallProviders.add(provider),
    });
    env.registerExtensionPoint(multivacPagingChannelsExtensionPoint, {
      addChannel: channel => this.pagingChannels.add(channel),
    });
    env.registerExtensionPoint(multivacWorkflowExtensionPoint, {
      addClient: client => this.workflowClients.add(client),
      addReportSubscriber: subscriber => this.reportSubscribers.add(subscriber),
      addPageSubscriber: subscriber => this.pageSubscribers.add(subscriber),
      addPostmortemSubscriber: subscriber =>
        this.postmortemSubscribers.add(subscriber),
      addAlertGroupSubscriber: subscriber =>
        this.alertGroupSubscribers.add(subscriber),
    });
    env.registerExtensionPoint(multivacReleasesExtensionPoint, {
      addReleaseSubscriber: subscriber =>
        this.releaseSubscribers.add(subscriber),
    });
    env.registerExtensionPoint(multivacIssueTrackerExtensionPoint, {
      setIssueTracker: tracker => this.issueTrackers.add(tracker),
    });
  }

  /**
   * Hands every contribution its workflow, once, however many kinds it was
   * registered as (the Slack bot is a report and a page subscriber).
   * `workflowFor` gets the contribution's id, so what it does can be told
   * apart (e.g. in the auth provider's log of sign-ins).
   */
  async connect(
    workflowFor: (contributionId: string) => MultivacWorkflow,
  ): Promise<void> {
    const all = new Set<MultivacContribution>([
      ...this.incidentSubscribers.list(),
      ...this.reportSubscribers.list(),
      ...this.pageSubscribers.list(),
      ...this.postmortemSubscribers.list(),
      ...this.releaseSubscribers.list(),
      ...this.alertGroupSubscribers.list(),
      ...this.onCallProviders.list(),
      ...this.pagingChannels.list(),
      ...this.issueTrackers.list(),
      ...this.workflowClients.list(),
    ]);
    for (const contribution of all) {
      await contribution.connect?.(workflowFor(contribution.id));
    }
  }
}
