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
  OnCallLoadPerson,
  OnCallLoadSchedule,
} from '@multivac/plugin-multivac-common';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { CsvColumn, downloadCsv, toCsv } from '../InsightsPage/csv';

/** Each on-call load figure in one sentence; the backend README says the same. */
export const ONCALL_LOAD_DEFINITIONS = {
  hours:
    'Hours on call: time the built-in schedule pages the person (layers, restrictions and overrides applied), cut at the period’s ends.',
  shifts:
    'A shift is a stretch of uninterrupted on-call time on one schedule; interruptions per shift count interruptions inside the person’s shifts.',
  bursts:
    'A burst is 3 or more interruptions within 60 minutes; counted from the earliest, a burst takes every interruption in the 60 minutes from its first, and the next burst starts after it (no overlap).',
  badNights:
    'A bad night has 2 or more interruptions between 22:00 and 08:00 in the person’s time zone; the night belongs to the date it starts on.',
  sre: 'SRE rule: at most two incidents per 12-hour shift (Google SRE). Shifts are cut into 12-hour pieces from their start (the last one shorter); a piece with more than two incidents is a breach.',
  fairness:
    'Share: the person’s part of the schedule’s hours and interruptions, against an even split among everyone on call on it; Gini 0 is an even spread of interruptions, 1 all on one person.',
};

const percent = (share: number | null) =>
  share === null ? null : `${Math.round(share * 100)}%`;

const round1 = (value: number | null) =>
  value === null ? null : Math.round(value * 10) / 10;

/** The table's columns, also the CSV's. */
export const onCallLoadColumns: CsvColumn<OnCallLoadPerson>[] = [
  { header: 'Person', value: r => r.name },
  { header: 'Hours on call', value: r => round1(r.hours) },
  { header: 'Shifts', value: r => r.shifts },
  { header: 'Interruptions', value: r => r.interruptions },
  { header: 'Per shift', value: r => round1(r.interruptionsPerShift) },
  { header: 'Most in a shift', value: r => r.maxPerShift },
  { header: 'Bursts', value: r => r.bursts },
  { header: 'Bad nights', value: r => r.badNights },
  { header: 'SRE-rule breaches', value: r => r.sreBreaches },
  { header: 'Share of hours', value: r => percent(r.hoursShare) },
  {
    header: 'Share of interruptions',
    value: r => percent(r.interruptionsShare),
  },
  { header: 'Even share', value: r => percent(r.evenShare) },
];

/** @public */
export interface OnCallLoadTableProps {
  /** A Group ref: its schedules; empty or absent for every schedule. */
  team?: string;
  /** `<days>d`, default 30d. */
  period?: string;
}

function fileName(props: OnCallLoadTableProps, scheduleId: string): string {
  return `${['oncall-load', props.period ?? '30d', props.team, scheduleId]
    .filter(Boolean)
    .join('-')
    .replace(/[^a-zA-Z0-9.-]+/g, '_')}.csv`;
}

const ScheduleLoad = (props: {
  schedule: OnCallLoadSchedule;
  filename: string;
}) => {
  const { schedule, filename } = props;
  const title = `On-call load: ${schedule.name}`;
  const gini =
    schedule.gini === null ? 'no interruptions' : schedule.gini.toFixed(2);
  return (
    <InfoCard
      title={title}
      subheader={`${round1(schedule.hours)} hours on call, ${
        schedule.interruptions
      } interruptions, ${schedule.people} people (${
        schedule.timeZone
      }) · Gini of interruptions: ${gini}`}
      action={
        <Button
          size="small"
          variant="outlined"
          disabled={schedule.persons.length === 0}
          onClick={() =>
            downloadCsv(filename, toCsv(schedule.persons, onCallLoadColumns))
          }
        >
          Export CSV
        </Button>
      }
    >
      {schedule.persons.length === 0 ? (
        <Typography color="textSecondary">
          Nobody on call in this period.
        </Typography>
      ) : (
        <Box overflow="auto">
          <Table size="small" aria-label={title}>
            <TableHead>
              <TableRow>
                {onCallLoadColumns.map(c => (
                  <TableCell key={c.header}>{c.header}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {schedule.persons.map(row => (
                <TableRow key={row.userRef}>
                  {onCallLoadColumns.map(c => (
                    <TableCell key={c.header}>{c.value(row) ?? '–'}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </InfoCard>
  );
};

/**
 * On-call load per person on each built-in schedule of a team (every
 * schedule without one): hours, interruptions per shift, bursts, bad
 * nights, SRE-rule breaches and the share against an even split, with the
 * Gini coefficient per schedule and a CSV export per table.
 *
 * @public
 */
export const OnCallLoadTable = (props: OnCallLoadTableProps) => {
  const { team, period } = props;
  const api = useApi(multivacApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getOnCallLoad({
        period: period ?? '30d',
        team: team || undefined,
      }),
    [api, team, period],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {value.schedules.length === 0 ? (
        <InfoCard title="On-call load">
          <Typography color="textSecondary">
            No built-in on-call schedule belongs to this team.
          </Typography>
        </InfoCard>
      ) : (
        value.schedules.map(schedule => (
          <ScheduleLoad
            key={schedule.id}
            schedule={schedule}
            filename={fileName(props, schedule.id)}
          />
        ))
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {Object.values(ONCALL_LOAD_DEFINITIONS).join(' ')}
      </Typography>
    </Box>
  );
};
