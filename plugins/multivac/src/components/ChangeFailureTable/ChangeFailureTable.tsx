import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  FailedRelease,
  ServiceChangeFailure,
} from '@multivac/plugin-multivac-common';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { CsvColumn, downloadCsv, toCsv } from '../InsightsPage/csv';

/** The change failure rate in one sentence; the backend README says the same. */
export const changeFailureDefinition = (
  environment: string,
  windowHours: number,
) =>
  `Change failure rate: of the ${environment} releases that started in the period (in progress, done or rolled back), the share that failed: rolled back, or followed by an incident on the released service or on something that depends on it, declared from the release's start until ${windowHours} hours after its end (DORA's change failure rate). Per service, never one company-wide figure.`;

/** 0.25 → "25%"; null → "–". */
export const percent = (rate: number | null) =>
  rate === null ? '–' : `${Math.round(rate * 100)}%`;

/** "REL-3 (INC-7)", "REL-4 (rolled back)", "REL-5 (rolled back, INC-9)". */
export const failedReleaseText = (release: FailedRelease) =>
  `${release.reference} (${[
    release.rolledBack && 'rolled back',
    release.incident?.reference,
  ]
    .filter(Boolean)
    .join(', ')})`;

const columns: CsvColumn<ServiceChangeFailure>[] = [
  { header: 'Service', value: r => r.name },
  { header: 'Releases', value: r => r.releases },
  { header: 'Failed', value: r => r.failed },
  { header: 'Change failure rate', value: r => percent(r.rate) },
  {
    header: 'Failed releases',
    value: r => r.failedReleases.map(failedReleaseText).join('; '),
  },
];

/**
 * Change failure rate per service for a period, team or service: a table
 * with a CSV download of what it shows.
 */
export function ChangeFailureTable(props: {
  period?: string;
  team?: string;
  service?: string;
}) {
  const { period, team, service } = props;
  const api = useApi(multivacApiRef);
  const { value, loading, error } = useAsync(
    () => api.getChangeFailure({ period, team, service }),
    [api, period, team, service],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const rows = value.byService;
  const title = 'Change failure rate by service';
  return (
    <InfoCard
      title={title}
      subheader={changeFailureDefinition(value.environment, value.windowHours)}
      action={
        <Button
          size="small"
          variant="outlined"
          disabled={rows.length === 0}
          onClick={() =>
            downloadCsv(
              `change-failure-${[period, team, service]
                .filter(Boolean)
                .join('-')
                .replace(/[^a-zA-Z0-9.-]+/g, '_')}.csv`,
              toCsv(rows, columns),
            )
          }
        >
          Export CSV
        </Button>
      }
    >
      {rows.length === 0 ? (
        <Typography color="textSecondary">
          No {value.environment} releases in this period.
        </Typography>
      ) : (
        <Box overflow="auto">
          <Table size="small" aria-label={title}>
            <TableHead>
              <TableRow>
                {columns.map(c => (
                  <TableCell key={c.header}>{c.header}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row => (
                <TableRow key={row.entityRef}>
                  {columns.map(c => (
                    <TableCell key={c.header}>{c.value(row)}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </InfoCard>
  );
}
