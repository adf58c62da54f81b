import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Tooltip } from '@material-ui/core';
import { Alert } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { ReactNode } from 'react';
import { alertGroupRouteRef } from '../../routes';
import { AlertStatusChip, AlertUrgencyChip } from '../AlertChips';
import { ServerPagination, ServerPaginationProps } from '../ServerPagination';
import { formatDateTime } from '../../formatTime';

export interface AlertsTableProps {
  title: string;
  alerts: Alert[];
  emptyContent?: ReactNode;
  isLoading?: boolean;
  /** Show the entity column (off on an entity's own tab). */
  showEntity?: boolean;
  /** Server-side paging; without it the table pages what it was given. */
  pagination?: ServerPaginationProps;
}

/** Alerts, each linking to its group (where Acknowledge and Start incident are). */
export const AlertsTable = (props: AlertsTableProps) => {
  const { title, alerts, emptyContent, isLoading, pagination } = props;
  const showEntity = props.showEntity ?? true;
  const groupRoute = useRouteRef(alertGroupRouteRef);

  const columns: TableColumn<Alert>[] = [
    {
      title: 'Alert',
      field: 'summary',
      cellStyle: { minWidth: 280 },
      render: alert =>
        alert.groupId ? (
          <Link to={groupRoute({ id: alert.groupId })}>{alert.summary}</Link>
        ) : (
          alert.summary
        ),
    },
    {
      title: 'Status',
      field: 'status',
      width: '100px',
      render: alert => <AlertStatusChip status={alert.status} />,
    },
    {
      title: 'Urgency',
      field: 'urgency',
      width: '130px',
      render: alert => <AlertUrgencyChip urgency={alert.urgency} />,
    },
    { title: 'Severity', field: 'severity', width: '100px' },
    ...(showEntity
      ? [
          {
            title: 'Entity',
            render: (alert: Alert) =>
              alert.entityRef ? (
                <EntityRefLink
                  entityRef={alert.entityRef}
                  defaultKind="component"
                />
              ) : (
                'not routed'
              ),
          },
        ]
      : []),
    { title: 'Integration', field: 'integrationId', width: '120px' },
    {
      title: 'Last change',
      render: alert => (
        <Tooltip title={formatDateTime(alert.updatedAt)}>
          <span>{DateTime.fromISO(alert.updatedAt).toRelative()}</span>
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <Table<Alert>
        title={title}
        columns={columns}
        data={alerts}
        isLoading={isLoading}
        emptyContent={emptyContent}
        options={{
          paging: !pagination && alerts.length > 10,
          pageSize: 10,
          search: false,
          padding: 'dense',
        }}
      />
      {pagination && <ServerPagination {...pagination} />}
    </>
  );
};
