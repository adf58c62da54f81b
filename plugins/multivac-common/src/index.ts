/**
 * Isomorphic part of Multivac: the incident model, its state machine,
 * permissions and API request schemas.
 *
 * @packageDocumentation
 */
export * from './incidents';
export * from './permissions';
export * from './schemas';
export * from './format';
export * from './formatTime';
export * from './annotations';
export * from './oncall';
export * from './reports';
export * from './postmortems';
export * from './actionItems';
export * from './releases';
export { INPUT_LIMITS, isoDateTimeSchema, refSchema } from './limits';
export { referenceNumber } from './references';
export * from './alerts';
export * from './insights';
export * from './digest';
export * from './oncallLoad';
export * from './insightsHealth';
export * from './schedules';
export * from './oncallOverrides';
export * from './liveUpdates';
