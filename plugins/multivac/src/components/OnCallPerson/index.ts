export {
  ContactLinks,
  EmailLink,
  PersonName,
  PhoneLink,
  SlackLink,
} from './OnCallPerson';
export { ActorName } from './ActorName';
export { nameRefsIn, refsInText, useDisplayNames } from './useDisplayNames';
