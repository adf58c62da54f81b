import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Box,
  Chip,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  ReportCard,
  ReportCardVerdict,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { FilterSelect } from '../FilterSelect';
import { OnCallLoadTable } from '../OnCallLoadTable';

const PERIODS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

/** What each verdict is called on the card. */
export const VERDICT_LABELS: Record<ReportCardVerdict, string> = {
  good: 'Good',
  attention: 'Worth a look',
  bad: 'Act on it',
  none: 'No data',
};

const VERDICT_COLORS: Record<ReportCardVerdict, string> = {
  good: '#2e7d32',
  attention: '#ed6c02',
  bad: '#d32f2f',
  none: '#757575',
};

function Verdict({ verdict }: { verdict: ReportCardVerdict }) {
  return (
    <Chip
      size="small"
      label={VERDICT_LABELS[verdict]}
      style={{ backgroundColor: VERDICT_COLORS[verdict], color: '#fff' }}
    />
  );
}

function ReportCardTable({ card }: { card: ReportCard }) {
  const title = `Report card: ${card.team.name}`;
  return (
    <InfoCard
      title={title}
      subheader={`${card.period.from.slice(0, 10)} to ${card.period.to.slice(
        0,
        10,
      )}`}
    >
      <Box overflow="auto">
        <Table size="small" aria-label={title}>
          <TableHead>
            <TableRow>
              <TableCell>What</TableCell>
              <TableCell>Verdict</TableCell>
              <TableCell>In words</TableCell>
              <TableCell>Why</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {card.lines.map(line => (
              <TableRow key={line.id}>
                <TableCell>{line.title}</TableCell>
                <TableCell>
                  <Verdict verdict={line.verdict} />
                </TableCell>
                <TableCell>{line.summary}</TableCell>
                <TableCell>{line.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </InfoCard>
  );
}

/**
 * The Health tab of a Group page: the team's report card for a week or a
 * month, and the on-call load of its people.
 */
export const EntityHealthContent = () => {
  const { entity } = useEntity();
  const team = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);
  const [period, setPeriod] = useState('7d');
  const { value, loading, error } = useAsync(
    () => api.getReportCard({ team, period: period as '7d' | '30d' }),
    [api, team, period],
  );
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={3}>
        <FilterSelect
          id="multivac-health-period"
          label="Period"
          value={period}
          onChange={setPeriod}
          options={PERIODS}
        />
      </Grid>
      <Grid item xs={12}>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && <ReportCardTable card={value} />}
        {!loading && !error && !value && (
          <Typography color="textSecondary">No report card.</Typography>
        )}
      </Grid>
      <Grid item xs={12}>
        <OnCallLoadTable team={team} period={period} />
      </Grid>
    </Grid>
  );
};
