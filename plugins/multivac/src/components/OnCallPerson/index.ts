export { EmailLink, PersonName, PhoneLink, SlackLink } from './OnCallPerson';
