import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PostmortemSummary } from '@multivac/plugin-multivac-common';
import { ReactNode } from 'react';
import { incidentRouteRef, postmortemRouteRef } from '../../routes';
import { PostmortemStatusChip, SeverityChip } from '../IncidentChips';
import { ServerPagination, ServerPaginationProps } from '../ServerPagination';
import { DueDate } from './DueDate';

export interface PostmortemsTableProps {
  title: string;
  postmortems: PostmortemSummary[];
  emptyContent?: ReactNode;
  isLoading?: boolean;
  pagination: ServerPaginationProps;
}

/** Post-mortems as the server pages them, linked to their incidents. */
export const PostmortemsTable = (props: PostmortemsTableProps) => {
  const { title, postmortems, emptyContent, isLoading, pagination } = props;
  const postmortemRoute = useRouteRef(postmortemRouteRef);
  const incidentRoute = useRouteRef(incidentRouteRef);

  const columns: TableColumn<PostmortemSummary>[] = [
    {
      title: 'Post-mortem',
      field: 'reference',
      width: '110px',
      render: postmortem => (
        <Link to={postmortemRoute({ id: postmortem.reference })}>
          {postmortem.reference}
        </Link>
      ),
    },
    { title: 'Title', field: 'title' },
    {
      title: 'Severity',
      field: 'severity',
      width: '90px',
      render: postmortem => <SeverityChip severity={postmortem.severity} />,
    },
    {
      title: 'Status',
      field: 'status',
      width: '120px',
      render: postmortem => <PostmortemStatusChip status={postmortem.status} />,
    },
    {
      title: 'Owner',
      render: postmortem => (
        <EntityRefLink entityRef={postmortem.ownerRef} defaultKind="user" />
      ),
    },
    {
      title: 'Due',
      field: 'dueDate',
      render: postmortem => (
        <DueDate dueDate={postmortem.dueDate} overdue={postmortem.overdue} />
      ),
    },
    {
      title: 'Incident',
      width: '90px',
      render: postmortem => (
        <Link to={incidentRoute({ id: postmortem.incidentReference })}>
          {postmortem.incidentReference}
        </Link>
      ),
    },
  ];

  return (
    <>
      <Table<PostmortemSummary>
        title={title}
        columns={columns}
        data={postmortems}
        isLoading={isLoading}
        emptyContent={emptyContent}
        options={{ paging: false, search: false, padding: 'dense' }}
      />
      <ServerPagination {...pagination} />
    </>
  );
};
