import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Grid, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { ScheduleOverview } from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { zoneAbbreviation } from '../../formatTime';
import { ImportFromPagerDutyButton } from '../ImportFromPagerDuty';
import { OnCallNowTable } from './OnCallNowTable';
import { ScheduleCovers } from './ScheduleCovers';
import { ScheduleTimeline } from './ScheduleTimeline';

/** How many days of shifts the page shows. */
const DAYS = 7;

const Schedules = ({
  schedules,
  from,
  onChanged,
}: {
  schedules: ScheduleOverview[];
  from: number;
  onChanged: () => void;
}) => {
  const to = DateTime.fromMillis(from).plus({ days: DAYS }).toMillis();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="On call now" noPadding>
          <OnCallNowTable schedules={schedules} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={`Next ${DAYS} days`}
          subheader={`Hover over a shift for its exact times. Striped: nobody is on call. Days in your time zone (${zoneAbbreviation(
            from,
          )}).`}
        >
          {schedules.map(schedule => (
            <Box key={schedule.id} mb={3}>
              <Typography variant="subtitle2">
                {schedule.name}{' '}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="span"
                >
                  ({schedule.timeZone})
                </Typography>
              </Typography>
              <ScheduleTimeline
                name={schedule.name}
                shifts={schedule.shifts}
                from={from}
                to={to}
              />
              <ScheduleCovers schedule={schedule} onChanged={onChanged} />
            </Box>
          ))}
        </InfoCard>
      </Grid>
    </Grid>
  );
};

/** `/multivac/oncall`: who is on call now, and the next days of every built-in schedule. */
export const OnCallPage = () => {
  const api = useApi(multivacApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const schedules = await api.listSchedules(DAYS);
    return { schedules, from: Date.now() };
  }, [api]);

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value?.schedules.length) {
    body = (
      <Alert severity="info">
        No built-in schedules are configured. Add them under{' '}
        <code>multivac.onCall.schedules</code> in <code>app-config.yaml</code>.
      </Alert>
    );
  } else {
    body = (
      <Schedules
        schedules={value.schedules}
        from={value.from}
        onChanged={retry}
      />
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="On call"
        subtitle={`Who is on call now, and the next ${DAYS} days of every schedule`}
      />
      <Content>
        <ContentHeader title="">
          <ImportFromPagerDutyButton />
          <SupportButton>
            Multivac&apos;s built-in on-call schedules. Times are shown in your
            time zone ({zoneAbbreviation(Date.now())}), with the schedule&apos;s
            own time beside them where its clock differs.
          </SupportButton>
        </ContentHeader>
        {body}
      </Content>
    </Page>
  );
};
