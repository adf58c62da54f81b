import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box } from '@material-ui/core';
import { OnCallPerson } from '@multivac/plugin-multivac-common';

/** The person's name, linked to their catalog page when they have one. */
export const PersonName = ({ person }: { person: OnCallPerson }) =>
  person.userRef ? (
    <EntityRefLink entityRef={person.userRef} title={person.name} />
  ) : (
    <>{person.name}</>
  );

/** A `tel:` link that phones dial (spaces removed from the number). */
export const PhoneLink = ({ phone }: { phone: string }) => (
  <Link to={`tel:${phone.replace(/\s/g, '')}`}>{phone}</Link>
);

export const EmailLink = ({ email }: { email: string }) => (
  <Link to={`mailto:${email}`}>{email}</Link>
);

/** Opens a direct message with the Slack user. */
export const SlackLink = ({ slackUserId }: { slackUserId: string }) => (
  <Link to={`https://slack.com/app_redirect?channel=${slackUserId}`}>
    Slack
  </Link>
);

/** Every way to reach the person that is known: phone, email, Slack. */
export const ContactLinks = ({ person }: { person: OnCallPerson }) => (
  <Box display="flex" flexWrap="wrap" style={{ gap: 12 }}>
    {person.phone && <PhoneLink phone={person.phone} />}
    {person.email && <EmailLink email={person.email} />}
    {person.slackUserId && <SlackLink slackUserId={person.slackUserId} />}
  </Box>
);
