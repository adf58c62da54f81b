/**
 * The `multivac` sign-in provider for the auth backend: signs in the catalog
 * users that Multivac's chat bot acts for, so their permissions apply in chat.
 *
 * @packageDocumentation
 */
export { authModuleMultivacProvider as default } from './module';
export {
  createMultivacAuthenticator,
  MULTIVAC_REASON_HEADER,
  MULTIVAC_USER_HEADER,
  signInAsNamedCatalogUser,
} from './authenticator';
export type { MultivacAuthResult } from './authenticator';
