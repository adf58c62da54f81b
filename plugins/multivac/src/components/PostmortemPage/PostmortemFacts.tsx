import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  IMPACT_SCOPE_LABELS,
  PostmortemFacts as Facts,
  USERS_AFFECTED_LABELS,
} from '@multivac/plugin-multivac-common';
import { reportDetailsRouteRef } from '../../routes';
import { DetailField } from '../DetailField';
import { formatWhen } from '../OnCallPage/timeline';
import { SafeMarkdown } from './SafeMarkdown';

type Report = NonNullable<Facts['report']>;

function where(report: Report): string {
  const detail = report.region ?? report.customer;
  return `${IMPACT_SCOPE_LABELS[report.scope]}${detail ? `: ${detail}` : ''}`;
}

const ReportFacts = ({ report }: { report: Report }) => {
  const reportRoute = useRouteRef(reportDetailsRouteRef);
  return (
    <DetailField label="Triage report">
      <Link to={reportRoute({ id: report.reference })}>{report.reference}</Link>{' '}
      by <EntityRefLink entityRef={report.reportedBy} defaultKind="user" />:{' '}
      {USERS_AFFECTED_LABELS[report.usersAffected]}, {where(report)},{' '}
      {report.customerFacing ? 'customer-facing' : 'internal only'}
      {report.startedAt && `, started ${formatWhen(report.startedAt)}`}
    </DetailField>
  );
};

/** What Multivac recorded about the incident when the post-mortem was created. */
export const PostmortemFacts = ({ facts }: { facts: Facts }) => (
  <InfoCard title="What Multivac recorded">
    <DetailField label="Started">{formatWhen(facts.startedAt)}</DetailField>
    <DetailField label="Resolved">{formatWhen(facts.resolvedAt)}</DetailField>
    <DetailField label="Duration">{facts.duration}</DetailField>
    <DetailField label="Controller">
      {facts.controllerRef && (
        <EntityRefLink entityRef={facts.controllerRef} defaultKind="user" />
      )}
    </DetailField>
    <DetailField label="Participants">
      {facts.participantRefs.length > 0 && (
        <EntityRefLinks entityRefs={facts.participantRefs} defaultKind="user" />
      )}
    </DetailField>
    <DetailField label="Affected">
      {facts.entityRefs.length > 0 && (
        <EntityRefLinks entityRefs={facts.entityRefs} defaultKind="component" />
      )}
    </DetailField>
    <DetailField label="Impact">
      {facts.impact && <SafeMarkdown content={facts.impact} />}
    </DetailField>
    {facts.report && <ReportFacts report={facts.report} />}
  </InfoCard>
);
