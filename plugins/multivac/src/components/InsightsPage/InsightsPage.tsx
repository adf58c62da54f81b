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
import {
  Box,
  Button,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  DurationStats,
  formatDuration,
  IncidentInsights,
  IncidentMetricsRow,
  InterruptionInsights,
  PersonInterruptions,
} from '@multivac/plugin-multivac-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { ChangeFailureTable } from '../ChangeFailureTable';
import { EntityRefPicker } from '../EntityRefPicker';
import { FilterSelect } from '../FilterSelect';
import { OnCallLoadTable } from '../OnCallLoadTable';
import { CsvColumn, downloadCsv, toCsv } from './csv';

const PERIODS = ['7d', '30d', '90d', '180d', '365d'];
const DEFAULT_PERIOD = '30d';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Each figure in one sentence; the README says the same. */
export const METRIC_DEFINITIONS = {
  incidents:
    'Incidents declared in the period, cancelled ones left out; an incident on services of two teams counts for each team.',
  mtta: "Mean time to acknowledge: from an incident's first page to the first acknowledgement of any of its pages (PagerDuty Analytics' mean_seconds_to_first_ack, which starts at the incident's start).",
  mttr: "Mean time to resolve: from declaring an incident to resolving it, over resolved incidents (PagerDuty Analytics' mean_seconds_to_resolve).",
  mobilise:
    "Time to mobilise: from declaring an incident to when the last of its controllers and responders joined, over incidents with two or more of them (PagerDuty Analytics' mean_seconds_to_mobilize).",
  interruptions:
    "Interruptions: notifications that reached a person, where one within 60 seconds of that person's previous notification is the same interruption.",
  bands:
    "Bands, in each person's own time zone: sleep 22:00–08:00 every night (weekend nights too), weekend Saturday and Sunday 08:00–22:00, evening weekdays 18:00–22:00, business hours weekdays 08:00–18:00.",
};

function readFilters(params: URLSearchParams) {
  const period = params.get('period') ?? DEFAULT_PERIOD;
  return {
    period: PERIODS.includes(period) ? period : DEFAULT_PERIOD,
    team: params.get('team') ?? '',
    service: params.get('service') ?? '',
  };
}

type Filters = ReturnType<typeof readFilters>;

const duration = (seconds: number | null) =>
  seconds === null ? '–' : formatDuration(seconds * 1000);

const minutes = (seconds: number | null) =>
  seconds === null ? null : Math.round(seconds / 6) / 10;

function changeText(change: number | null): string {
  if (change === null) {
    return 'no previous period to compare';
  }
  const percent = Math.round(change * 100);
  return `${percent > 0 ? '+' : ''}${percent}% against the previous period`;
}

const Figure = (props: {
  title: string;
  value: string;
  detail: string;
  definition: string;
}) => (
  <InfoCard title={props.title}>
    <Typography variant="h4" component="p">
      {props.value}
    </Typography>
    <Typography variant="body2">{props.detail}</Typography>
    <Typography variant="caption" color="textSecondary" component="p">
      {props.definition}
    </Typography>
  </InfoCard>
);

const stats = (s: DurationStats) =>
  s.n === 0
    ? 'no data'
    : `p50 ${duration(s.p50)} · p90 ${duration(s.p90)} · ${s.n} incidents`;

/** A table with a CSV download of exactly what it shows. */
function DataTable<T>(props: {
  title: string;
  filename: string;
  rows: T[];
  columns: CsvColumn<T>[];
}) {
  const { title, filename, rows, columns } = props;
  return (
    <InfoCard
      title={title}
      action={
        <Button
          size="small"
          variant="outlined"
          disabled={rows.length === 0}
          onClick={() => downloadCsv(filename, toCsv(rows, columns))}
        >
          Export CSV
        </Button>
      }
    >
      {rows.length === 0 ? (
        <Typography color="textSecondary">Nothing in this period.</Typography>
      ) : (
        // Nine columns: scroll sideways on a narrow screen rather than break words.
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
              {rows.map((row, i) => (
                <TableRow key={i}>
                  {columns.map(c => (
                    <TableCell key={c.header}>{c.value(row) ?? ''}</TableCell>
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

/** Whole seconds in tables and their CSV. */
const seconds = (value: number | null) =>
  value === null ? null : Math.round(value);

const metricColumns = (label: string): CsvColumn<IncidentMetricsRow>[] => [
  { header: label, value: r => r.name },
  { header: 'Incidents', value: r => r.count },
  { header: 'Previous period', value: r => r.previous.count },
  { header: 'MTTA mean (s)', value: r => seconds(r.mtta.mean) },
  { header: 'MTTA p90 (s)', value: r => seconds(r.mtta.p90) },
  { header: 'MTTR mean (s)', value: r => seconds(r.mttr.mean) },
  { header: 'MTTR p90 (s)', value: r => seconds(r.mttr.p90) },
  { header: 'Mobilise mean (s)', value: r => seconds(r.mobilise.mean) },
];

const personColumns: CsvColumn<PersonInterruptions>[] = [
  { header: 'Person', value: r => r.name },
  { header: 'Interruptions', value: r => r.total },
  { header: 'Business hours', value: r => r.business },
  { header: 'Evening', value: r => r.evening },
  { header: 'Sleep', value: r => r.sleep },
  { header: 'Weekend', value: r => r.weekend },
];

/** Interruptions by local weekday and hour, darker for more. */
const Heatmap = (props: {
  cells: Array<{ weekday: number; hour: number; count: number }>;
}) => {
  const counts = new Map(
    props.cells.map(c => [`${c.weekday}:${c.hour}`, c.count]),
  );
  const max = Math.max(1, ...props.cells.map(c => c.count));
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="Interruptions by weekday and hour">
        <TableHead>
          <TableRow>
            <TableCell />
            {Array.from({ length: 24 }, (_, hour) => (
              <TableCell key={hour} padding="none" align="center">
                {hour}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {WEEKDAYS.map((day, i) => (
            <TableRow key={day}>
              <TableCell padding="none">{day}</TableCell>
              {Array.from({ length: 24 }, (_, hour) => {
                const count = counts.get(`${i + 1}:${hour}`) ?? 0;
                return (
                  <TableCell
                    key={hour}
                    padding="none"
                    align="center"
                    title={`${day} ${hour}:00: ${count} interruptions`}
                    style={{
                      minWidth: 22,
                      backgroundColor: count
                        ? `rgba(211, 47, 47, ${0.15 + (0.85 * count) / max})`
                        : undefined,
                    }}
                  >
                    {count || ''}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

/**
 * `/multivac/insights`: incident metrics and interruptions for a period,
 * team and service, all three kept in the URL so a view can be shared.
 */
export const InsightsPage = () => {
  const api = useApi(multivacApiRef);
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const setFilter = (key: keyof Filters, value: string) => {
    const next = { ...filters, [key]: value };
    const query = new URLSearchParams();
    if (next.period !== DEFAULT_PERIOD) query.set('period', next.period);
    if (next.team) query.set('team', next.team);
    if (next.service) query.set('service', next.service);
    setParams(query, { replace: true });
  };
  const query = {
    period: filters.period,
    team: filters.team || undefined,
    service: filters.service || undefined,
  };
  const { value, loading, error } = useAsync(
    async () => ({
      incidents: await api.getIncidentInsights(query),
      interruptions: await api.getInterruptionInsights(query),
    }),
    [api, filters.period, filters.team, filters.service],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Insights"
        subtitle="How incidents go and how often on-call people are interrupted"
      />
      <Content>
        <ContentHeader title="">
          <SupportButton>
            Computed on the server from Multivac's incidents, pages and roles.
            Times are in each person's own time zone.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} sm={2}>
            <FilterSelect
              id="multivac-insights-period"
              label="Period"
              value={filters.period}
              onChange={next => setFilter('period', next)}
              options={PERIODS.map(p => ({
                value: p,
                label: `Last ${p.slice(0, -1)} days`,
              }))}
            />
          </Grid>
          <Grid item xs={12} sm={5}>
            <EntityRefPicker
              id="multivac-insights-team"
              label="Team"
              kinds={['Group']}
              multiple={false}
              value={filters.team ? [filters.team] : []}
              onChange={refs => setFilter('team', refs[0] ?? '')}
            />
          </Grid>
          <Grid item xs={12} sm={5}>
            <EntityRefPicker
              id="multivac-insights-service"
              label="Service"
              kinds={['Component', 'System']}
              multiple={false}
              value={filters.service ? [filters.service] : []}
              onChange={refs => setFilter('service', refs[0] ?? '')}
            />
          </Grid>
        </Grid>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && <Figures {...value} filename={fileStem(filters)} />}
        {value && (
          <Box mt={2}>
            <ChangeFailureTable
              period={filters.period}
              team={filters.team || undefined}
              service={filters.service || undefined}
            />
          </Box>
        )}
        {value && (
          <Box mt={2}>
            <OnCallLoadTable team={filters.team} period={filters.period} />
          </Box>
        )}
      </Content>
    </Page>
  );
};

function fileStem(filters: Filters): string {
  return ['insights', filters.period, filters.team, filters.service]
    .filter(Boolean)
    .join('-')
    .replace(/[^a-zA-Z0-9.-]+/g, '_');
}

function Figures({
  incidents,
  interruptions,
  filename,
}: {
  incidents: IncidentInsights;
  interruptions: InterruptionInsights;
  filename: string;
}) {
  const { total, change } = incidents;
  const trend = incidents.trend.map(point => ({
    day: point.start.slice(0, 10),
    MTTA: minutes(point.mtta.mean),
    MTTR: minutes(point.mttr.mean),
    Incidents: point.count,
  }));
  const bands = interruptions.total;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3}>
        <Figure
          title="Incidents"
          value={String(total.count)}
          detail={changeText(change.count)}
          definition={METRIC_DEFINITIONS.incidents}
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <Figure
          title="MTTA"
          value={duration(total.mtta.mean)}
          detail={`${stats(total.mtta)}; ${changeText(change.mttaMean)}`}
          definition={METRIC_DEFINITIONS.mtta}
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <Figure
          title="MTTR"
          value={duration(total.mttr.mean)}
          detail={`${stats(total.mttr)}; ${changeText(change.mttrMean)}`}
          definition={METRIC_DEFINITIONS.mttr}
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <Figure
          title="Time to mobilise"
          value={duration(total.mobilise.mean)}
          detail={`${stats(total.mobilise)}; ${changeText(
            change.mobiliseMean,
          )}`}
          definition={METRIC_DEFINITIONS.mobilise}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="MTTA and MTTR (minutes, mean per bucket)">
          <Box overflow="auto">
            <LineChart width={560} height={260} data={trend}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line
                type="monotone"
                dataKey="MTTA"
                stroke="#1976d2"
                connectNulls
              />
              <Line
                type="monotone"
                dataKey="MTTR"
                stroke="#d32f2f"
                connectNulls
              />
            </LineChart>
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Incidents by team and by service">
          <Box overflow="auto" display="flex">
            <BarChart
              width={280}
              height={260}
              data={incidents.byTeam.map(r => ({
                name: r.name,
                Incidents: r.count,
              }))}
            >
              <XAxis dataKey="name" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="Incidents" fill="#1976d2" />
            </BarChart>
            <BarChart
              width={280}
              height={260}
              data={incidents.byService.map(r => ({
                name: r.name,
                Incidents: r.count,
              }))}
            >
              <XAxis dataKey="name" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="Incidents" fill="#7b1fa2" />
            </BarChart>
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={`Interruptions: ${bands.total} (business hours ${bands.business}, evening ${bands.evening}, sleep ${bands.sleep}, weekend ${bands.weekend})`}
        >
          <Typography variant="caption" color="textSecondary" component="p">
            {METRIC_DEFINITIONS.interruptions} {METRIC_DEFINITIONS.bands}
          </Typography>
          <Heatmap cells={interruptions.heatmap} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <DataTable
          title="By team"
          filename={`${filename}-teams.csv`}
          rows={incidents.byTeam}
          columns={metricColumns('Team')}
        />
      </Grid>
      <Grid item xs={12}>
        <DataTable
          title="By service"
          filename={`${filename}-services.csv`}
          rows={incidents.byService}
          columns={metricColumns('Service')}
        />
      </Grid>
      <Grid item xs={12}>
        <DataTable
          title="By severity"
          filename={`${filename}-severities.csv`}
          rows={incidents.bySeverity}
          columns={metricColumns('Severity')}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <DataTable
          title="Interruptions by person"
          filename={`${filename}-interruptions.csv`}
          rows={interruptions.byPerson}
          columns={personColumns}
        />
      </Grid>
    </Grid>
  );
}
