import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import { Incident, roleHolder } from '@multivac/plugin-multivac-common';
import { ReactNode } from 'react';
import { incidentRouteRef } from '../../routes';
import { SeverityChip, StatusChip } from '../IncidentChips';
import { ServerPagination, ServerPaginationProps } from '../ServerPagination';
import { incidentDurationText } from './duration';

export interface IncidentsTableProps {
  title: string;
  incidents: Incident[];
  emptyContent?: ReactNode;
  isLoading?: boolean;
  /** Show the affected entities column (off on an entity's own page). */
  showEntities?: boolean;
  /** Server-side paging; without it the table pages what it was given. */
  pagination?: ServerPaginationProps;
}

export const IncidentsTable = (props: IncidentsTableProps) => {
  const { title, incidents, emptyContent, isLoading, pagination } = props;
  const showEntities = props.showEntities ?? true;
  const incidentRoute = useRouteRef(incidentRouteRef);

  const columns: TableColumn<Incident>[] = [
    {
      title: 'Incident',
      field: 'reference',
      width: '90px',
      render: incident => (
        <Link to={incidentRoute({ id: incident.reference })}>
          {incident.reference}
        </Link>
      ),
    },
    { title: 'Title', field: 'title' },
    {
      title: 'Severity',
      field: 'severity',
      width: '90px',
      render: incident => <SeverityChip severity={incident.severity} />,
    },
    {
      title: 'Status',
      field: 'status',
      width: '120px',
      render: incident => <StatusChip status={incident.status} />,
    },
    ...(showEntities
      ? [
          {
            title: 'Affected',
            render: (incident: Incident) => (
              <EntityRefLinks
                entityRefs={incident.entityRefs}
                defaultKind="component"
              />
            ),
          },
        ]
      : []),
    {
      title: 'Controller',
      render: incident => {
        const controller = roleHolder(incident, 'controller');
        return controller ? (
          <EntityRefLinks entityRefs={[controller]} defaultKind="user" />
        ) : (
          'nobody'
        );
      },
    },
    {
      title: 'Duration',
      render: incident => incidentDurationText(incident),
    },
  ];

  return (
    <>
      <Table<Incident>
        title={title}
        columns={columns}
        data={incidents}
        isLoading={isLoading}
        emptyContent={emptyContent}
        options={{
          paging: !pagination && incidents.length > 10,
          pageSize: 10,
          search: false,
          padding: 'dense',
        }}
      />
      {pagination && <ServerPagination {...pagination} />}
    </>
  );
};
