/**
 * Extension points and interfaces for Multivac backend modules.
 *
 * @packageDocumentation
 */
export * from './catalogWalk';
export * from './contribution';
export * from './extensions';
export * from './interruptions';
export * from './issueTracker';
export * from './oncall';
export * from './pagingChannels';
export * from './workflow';
export * from './releases';
export * from './vendorHttp';
