/**
 * Jira module for Multivac: post-mortem and action-item issues in Jira Cloud
 * or Jira Data Center.
 *
 * @packageDocumentation
 */
export { multivacModuleJira as default } from './module';
export { JiraIssueTracker } from './JiraIssueTracker';
export type { JiraIssueTrackerOptions } from './JiraIssueTracker';
export { readJiraSettings } from './config';
export type { JiraSettings } from './config';
export { JiraClient, JiraError } from './client/JiraClient';
export type {
  JiraClientOptions,
  JiraCredentials,
  JiraDeployment,
  JiraIssue,
  JiraUserReference,
} from './client/JiraClient';
export { toAdf } from './adf';
export type { AdfDocument, AdfMark, AdfNode } from './adf';
export { toWikiMarkup } from './wiki';
