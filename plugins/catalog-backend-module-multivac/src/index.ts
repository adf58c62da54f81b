/**
 * Multivac's on-call schedules as catalog entities.
 *
 * @packageDocumentation
 */
export {};
