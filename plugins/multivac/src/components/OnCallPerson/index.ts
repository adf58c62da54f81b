export {
  ContactLinks,
  EmailLink,
  PersonName,
  PhoneLink,
  SlackLink,
} from './OnCallPerson';
