/**
 * Multivac frontend plugin: incidents on the catalog.
 *
 * @packageDocumentation
 */
export {
  multivacPlugin,
  MultivacPage,
  EntityMultivacAlertsContent,
  EntityMultivacHealthContent,
  EntityMultivacIncidentsContent,
  EntityMultivacInsightsCard,
  EntityMultivacOnCallCard,
  EntityMultivacPostmortemsContent,
  EntityMultivacReleasesContent,
  EntityMultivacSchedulePagerDutyCard,
} from './plugin';
export {
  MultivacActiveIncidentsCard,
  MultivacMyActionItemsCard,
  MultivacMyOnCallCard,
  MultivacTeamReleasesCard,
} from './homeCards';
export { multivacApiRef } from './api/MultivacApi';
export { ReleaseBlockedError } from './api/MultivacApi';
export type {
  AlertDeadLetter,
  AlertList,
  AlertRoutingSample,
  CheckedRelease,
  MultivacApi,
  PagerDutyChange,
  PagerDutyFieldChange,
  PagerDutyImportRequest,
  PagerDutyImportResult,
  PagerDutyPlan,
  PagerDutyReconcileState,
  PagerDutyReconcileStatus,
  PagerDutyResource,
  PostmortemMarkdown,
  ReleaseFeedToken,
} from './api/MultivacApi';
export { MultivacClient } from './api/MultivacClient';
