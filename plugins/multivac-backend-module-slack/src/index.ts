/**
 * The Multivac Slack bot: slash commands, interactions and events from
 * Slack, received over signed HTTP requests or Socket Mode and handed to an
 * inbox that records them for the incident workflow. Adopters add the
 * module to their backend and configure `multivac.slack`; nothing else is
 * public.
 *
 * @packageDocumentation
 */
export { multivacModuleSlack as default } from './module';
