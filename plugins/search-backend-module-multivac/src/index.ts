/**
 * Multivac's incidents and post-mortems in Backstage search.
 *
 * @packageDocumentation
 */
export {};
