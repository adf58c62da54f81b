import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import { RelevantRelease } from '@multivac/plugin-multivac-common';
import { ReactNode } from 'react';
import { releaseRouteRef } from '../../routes';
import {
  formatWindow,
  releaseConflicts,
  ReleaseStatusChip,
} from '../ReleaseParts';

export interface ReleasesTableProps {
  title: string;
  /** With `reason` when it is the release of a dependency. */
  releases: RelevantRelease[];
  isLoading?: boolean;
  emptyContent?: ReactNode;
  /** Adds a column saying how the entity depends on the released one. */
  showReason?: boolean;
}

/** Releases, each linked to the calendar with it open. */
export const ReleasesTable = (props: ReleasesTableProps) => {
  const { title, releases, isLoading, emptyContent, showReason } = props;
  const releaseRoute = useRouteRef(releaseRouteRef);

  const columns: TableColumn<RelevantRelease>[] = [
    {
      title: 'Release',
      width: '90px',
      render: ({ release }) => (
        <Link to={releaseRoute({ id: release.reference })}>
          {release.reference}
        </Link>
      ),
    },
    {
      title: 'Version',
      render: ({ release }) => {
        const conflicts = releaseConflicts(release);
        // Each conflict's sentence under the version, not only on hover.
        return conflicts.length > 0 ? (
          <>
            <span>⚠ {release.title}</span>
            {conflicts.map(conflict => (
              <Typography
                key={conflict.sentence}
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {conflict.sentence}
              </Typography>
            ))}
          </>
        ) : (
          release.title
        );
      },
    },
    {
      title: 'Entity',
      render: ({ release }) => <EntityRefLink entityRef={release.entityRef} />,
    },
    ...(showReason
      ? [{ title: 'Why it matters', field: 'reason' } as const]
      : []),
    { title: 'Environment', render: ({ release }) => release.environment },
    {
      title: 'Window',
      render: ({ release }) => formatWindow(release.start, release.end),
    },
    {
      title: 'Status',
      width: '120px',
      render: ({ release }) => <ReleaseStatusChip status={release.status} />,
    },
  ];

  return (
    <Table<RelevantRelease>
      title={title}
      columns={columns}
      data={releases}
      isLoading={isLoading}
      emptyContent={emptyContent}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
};
