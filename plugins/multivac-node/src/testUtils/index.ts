/**
 * Test builders for Multivac modules' tests: catalog entities and users as
 * the catalog returns them.
 *
 * @packageDocumentation
 */
export * from './entities';
