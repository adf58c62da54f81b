import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  makeStyles,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { ScheduleOverview } from '@multivac/plugin-multivac-common';
import { EmailLink, PersonName, PhoneLink } from '../OnCallPerson';
import { formatWithScheduleTime } from '../../formatTime';

const useStyles = makeStyles(theme => ({
  nobody: {
    display: 'inline-flex',
    padding: theme.spacing(0, 1),
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

const NONE = '—';

const ScheduleRow = ({ schedule }: { schedule: ScheduleOverview }) => {
  const classes = useStyles();
  const now = schedule.onCallNow;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {schedule.name}
      </TableCell>
      <TableCell>{schedule.timeZone}</TableCell>
      {now ? (
        <>
          <TableCell>
            <PersonName person={now.person} />
          </TableCell>
          <TableCell>
            {formatWithScheduleTime(now.end, schedule.timeZone)}
          </TableCell>
          <TableCell>
            {now.person.phone ? <PhoneLink phone={now.person.phone} /> : NONE}
          </TableCell>
          <TableCell>
            {now.person.email ? <EmailLink email={now.person.email} /> : NONE}
          </TableCell>
        </>
      ) : (
        <>
          <TableCell>
            <Alert severity="warning" role="status" className={classes.nobody}>
              Nobody
            </Alert>
          </TableCell>
          <TableCell>{NONE}</TableCell>
          <TableCell>{NONE}</TableCell>
          <TableCell>{NONE}</TableCell>
        </>
      )}
    </TableRow>
  );
};

/** One row per schedule: who is on call right now, until when, and how to reach them. */
export const OnCallNowTable = ({
  schedules,
}: {
  schedules: ScheduleOverview[];
}) => (
  <Table size="small" aria-label="On call now">
    <TableHead>
      <TableRow>
        <TableCell>Schedule</TableCell>
        <TableCell>Time zone</TableCell>
        <TableCell>On call now</TableCell>
        <TableCell>Until</TableCell>
        <TableCell>Phone</TableCell>
        <TableCell>Email</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {schedules.map(schedule => (
        <ScheduleRow key={schedule.id} schedule={schedule} />
      ))}
    </TableBody>
  </Table>
);
