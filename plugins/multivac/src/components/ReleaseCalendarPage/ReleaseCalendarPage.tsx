import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Box,
  Button,
  Grid,
  Link,
  List,
  ListItem,
  makeStyles,
  Typography,
} from '@material-ui/core';
import {
  Release,
  releaseCreatePermission,
  RELEASE_STATUSES,
  ReleaseStatus,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { useMemo, useState } from 'react';
import { Calendar, EventProps, luxonLocalizer } from 'react-big-calendar';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import { useNavigate, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { zoneAbbreviation } from '../../formatTime';
import { releasesRouteRef } from '../../routes';
import { BookReleaseDialog } from '../BookReleaseDialog';
import { EntityRefPicker } from '../EntityRefPicker';
import { ALL, FilterSelect } from '../FilterSelect';
import { ReleaseDetailsDialog } from '../ReleaseDetailsDialog';
import { ReleaseFeedButton } from '../ReleaseFeedButton';
import {
  entityName,
  RELEASE_STATUS_COLORS,
  RELEASE_STATUS_LABELS,
} from '../ReleaseParts';
import {
  CalendarView,
  eventStyle,
  ReleaseEvent,
  toReleaseEvent,
  visibleRange,
} from './calendarEvents';

const localizer = luxonLocalizer(DateTime, { firstDayOfWeek: 1 });

const useStyles = makeStyles({
  // Week and day views: an hour is 96px high, so that a 30-minute release
  // has room for its time and title, even in a column shared with others.
  calendar: {
    height: 900,
    '& .rbc-timeslot-group': { minHeight: 96 },
    '& .rbc-day-slot .rbc-event': { padding: '2px 4px' },
    '& .rbc-day-slot .rbc-event-label': { fontSize: '0.7rem' },
    '& .rbc-day-slot .rbc-event-content': {
      fontSize: '0.75rem',
      lineHeight: 1.2,
    },
  },
});
/** The most releases one view loads. */
const RANGE_LIMIT = 500;

const Legend = () => (
  <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 12 }}>
    {RELEASE_STATUSES.map(status => (
      <Box key={status} display="flex" alignItems="center" style={{ gap: 4 }}>
        <span
          style={{
            width: 12,
            height: 12,
            display: 'inline-block',
            backgroundColor: RELEASE_STATUS_COLORS[status],
          }}
        />
        <Typography variant="caption">
          {RELEASE_STATUS_LABELS[status]}
        </Typography>
      </Box>
    ))}
    <Typography variant="caption">
      Dashed, lighter: not production · ⚠ red edge: conflicts (why: in the
      event, and listed under the calendar)
    </Typography>
  </Box>
);

/** An event: its title, then each conflict's sentence. */
const ReleaseEventContent = ({ event }: EventProps<ReleaseEvent>) => (
  <div>
    <div style={{ fontWeight: 500 }}>{event.title}</div>
    {event.conflicts.map(sentence => (
      <div key={sentence} style={{ fontSize: '0.75em', lineHeight: 1.25 }}>
        {sentence}
      </div>
    ))}
  </div>
);

/** Under the calendar: each release in view with conflicts, and why. */
const ConflictList = ({
  events,
  onSelect,
}: {
  events: ReleaseEvent[];
  onSelect(release: Release): void;
}) => {
  const conflicted = events.filter(event => event.conflicts.length > 0);
  if (conflicted.length === 0) {
    return null;
  }
  return (
    <Box mt={1} aria-label="Conflicts in view" component="section">
      <Typography variant="subtitle2">Conflicts in view</Typography>
      <List dense disablePadding>
        {conflicted.map(({ release, conflicts }) => (
          <ListItem key={release.id} disableGutters>
            <Typography variant="body2">
              <Link
                component="button"
                variant="body2"
                onClick={() => onSelect(release)}
              >
                {release.reference}
              </Link>{' '}
              {entityName(release.entityRef)} {release.title} (
              {release.environment},{' '}
              {DateTime.fromISO(release.start).toFormat('ccc d LLL HH:mm')}{' '}
              {zoneAbbreviation(release.start)}
              ): ⚠ {conflicts.join('; ')}
            </Typography>
          </ListItem>
        ))}
      </List>
    </Box>
  );
};

/**
 * `/multivac/releases`: the release calendar, filtered by team or System,
 * environment and status; `/multivac/releases/REL-7` opens one release.
 */
export const ReleaseCalendarPage = () => {
  const classes = useStyles();
  const api = useApi(multivacApiRef);
  const { id } = useParams();
  const navigate = useNavigate();
  const releasesLink = useRouteRef(releasesRouteRef);
  const { allowed: canCreate } = usePermission({
    permission: releaseCreatePermission,
  });
  const [view, setView] = useState<CalendarView>('week');
  const [date, setDate] = useState(() => new Date());
  const [entityRefs, setEntityRefs] = useState<string[]>([]);
  const [environment, setEnvironment] = useState(ALL);
  const [status, setStatus] = useState(ALL);
  const [booking, setBooking] = useState(false);
  const [selected, setSelected] = useState<Release>();

  const { value: environments = [] } = useAsync(
    () => api.listReleaseEnvironments(),
    [api],
  );
  // The release named in the URL: shown, and the calendar moved to it.
  useAsync(async () => {
    if (!id) {
      return;
    }
    const release = await api.getRelease(id);
    setSelected(release);
    setDate(new Date(release.start));
  }, [api, id]);

  const range = visibleRange(date, view);
  const {
    value: list,
    error,
    retry: reload,
  } = useAsyncRetry(
    () =>
      api.listReleases({
        entityRef: entityRefs.length ? entityRefs : undefined,
        environment: environment === ALL ? undefined : environment,
        status:
          status === ALL ? undefined : (status as ReleaseStatus | 'active'),
        from: range.from,
        to: range.to,
        limit: RANGE_LIMIT,
        withConflicts: 'true',
      }),
    [api, entityRefs.join(','), environment, status, range.from, range.to],
  );
  const events = useMemo(() => (list?.items ?? []).map(toReleaseEvent), [list]);
  const production =
    environments.find(env => env.policy === 'block')?.id ?? 'production';

  const closeDetails = () => {
    setSelected(undefined);
    if (id) {
      navigate(releasesLink());
    }
  };

  return (
    <Page themeId="tool">
      <Header
        title="Release calendar"
        subtitle="Who releases what, where and when, so dependent services do not release into each other"
      />
      <Content>
        <ContentHeader title="">
          <ReleaseFeedButton entityRefs={entityRefs} />
          {canCreate && (
            <Button
              color="primary"
              variant="contained"
              style={{ marginLeft: 8 }}
              onClick={() => setBooking(true)}
            >
              Book a release
            </Button>
          )}
          <SupportButton>
            Book release windows before releasing. Booking checks the window
            against releases of the same entity, of what it depends on and what
            depends on it, of its System, freezes and active incidents.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} md={6}>
            <EntityRefPicker
              id="multivac-releases-scope"
              label="Team or system"
              kinds={['Group', 'System']}
              value={entityRefs}
              onChange={setEntityRefs}
              multiple
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <FilterSelect
              id="multivac-releases-environment"
              label="Environment"
              value={environment}
              onChange={setEnvironment}
              options={[
                { value: ALL, label: 'All' },
                ...environments.map(env => ({ value: env.id, label: env.id })),
              ]}
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <FilterSelect
              id="multivac-releases-status"
              label="Status"
              value={status}
              onChange={setStatus}
              options={[
                { value: ALL, label: 'All' },
                { value: 'active', label: 'Planned or in progress' },
                ...RELEASE_STATUSES.map(s => ({
                  value: s,
                  label: RELEASE_STATUS_LABELS[s],
                })),
              ]}
            />
          </Grid>
          <Grid item xs={12}>
            <Legend />
          </Grid>
          <Grid item xs={12}>
            {error && <ResponseErrorPanel error={error} />}
            <div className={classes.calendar}>
              <Calendar<ReleaseEvent>
                localizer={localizer}
                events={events}
                views={['month', 'week', 'day']}
                view={view}
                onView={next => setView(next as CalendarView)}
                date={date}
                onNavigate={setDate}
                tooltipAccessor="tooltip"
                // Overlapping releases side by side, each readable.
                dayLayoutAlgorithm="no-overlap"
                components={{ event: ReleaseEventContent }}
                onSelectEvent={event => setSelected(event.release)}
                eventPropGetter={event => ({
                  style: eventStyle(event.release, production),
                })}
                scrollToTime={new Date(new Date().setHours(7, 0, 0, 0))}
              />
            </div>
            <ConflictList events={events} onSelect={setSelected} />
          </Grid>
        </Grid>
        <BookReleaseDialog
          open={booking}
          environments={environments}
          onClose={() => setBooking(false)}
          onBooked={release => {
            setBooking(false);
            setDate(new Date(release.start));
            reload();
          }}
        />
        <ReleaseDetailsDialog
          release={selected}
          onClose={closeDetails}
          onChanged={release => {
            setSelected(release);
            reload();
          }}
        />
      </Content>
    </Page>
  );
};
