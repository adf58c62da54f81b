import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  Grid,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  Digest,
  DigestIncident,
  DigestList,
  formatDuration,
  shortRef,
} from '@multivac/plugin-multivac-common';
import { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';
import {
  incidentRouteRef,
  postmortemRouteRef,
  releaseRouteRef,
  reportDetailsRouteRef,
} from '../../routes';
import { EntityRefPicker } from '../EntityRefPicker';
import { FilterSelect } from '../FilterSelect';
import { ActorName } from '../OnCallPerson';

const HOURS = ['12', '24', '48', '72', '168'];
const DEFAULT_HOURS = '24';

function readFilters(params: URLSearchParams) {
  const hours = params.get('hours') ?? DEFAULT_HOURS;
  return {
    hours: HOURS.includes(hours) ? hours : DEFAULT_HOURS,
    team: params.get('team') ?? '',
  };
}

/** One list of the digest: its count in the title, "None." when empty. */
function Section<T>(props: {
  title: string;
  list: DigestList<T>;
  item: (item: T) => ReactNode;
  /** Shown when the list is empty. */
  empty?: string;
}) {
  const { title, list, item, empty = 'None.' } = props;
  const more = list.count - list.items.length;
  return (
    <InfoCard title={`${title} (${list.count})`}>
      {list.count === 0 ? (
        <Typography color="textSecondary">{empty}</Typography>
      ) : (
        <List dense aria-label={title}>
          {list.items.map((entry, i) => (
            <ListItem key={i} disableGutters>
              {item(entry)}
            </ListItem>
          ))}
          {more > 0 && (
            <ListItem disableGutters>
              <ListItemText secondary={`and ${more} more`} />
            </ListItem>
          )}
        </List>
      )}
    </InfoCard>
  );
}

const entities = (refs: string[]) =>
  refs.length ? ` · ${refs.map(shortRef).join(', ')}` : '';

function DigestSections({ digest }: { digest: Digest }) {
  const incidentLink = useRouteRef(incidentRouteRef);
  const reportLink = useRouteRef(reportDetailsRouteRef);
  const postmortemLink = useRouteRef(postmortemRouteRef);
  const releaseLink = useRouteRef(releaseRouteRef);
  const incident = (i: DigestIncident, detail: string) => (
    <ListItemText
      primary={
        <>
          <Link to={incidentLink({ id: i.reference })}>{i.reference}</Link>{' '}
          {i.title}
        </>
      }
      secondary={`${i.severity}${entities(i.entityRefs)} · ${detail}`}
    />
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <Section
          title="Declared"
          list={digest.declared}
          item={i => incident(i, `declared ${formatDateTime(i.declaredAt)}`)}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <Section
          title="Resolved"
          list={digest.resolved}
          item={i =>
            incident(
              i,
              `took ${formatDuration((i.durationSeconds ?? 0) * 1000)}`,
            )
          }
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <Section
          title="Still open"
          list={digest.open}
          item={i =>
            incident(i, `${i.status}, declared ${formatDateTime(i.declaredAt)}`)
          }
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="Reports"
          list={digest.reports}
          item={r => (
            <ListItemText
              primary={
                <>
                  <Link to={reportLink({ id: r.reference })}>
                    {r.reference}
                  </Link>{' '}
                  {r.title}
                </>
              }
              secondary={`${r.severity} · ${shortRef(
                r.entityRef,
              )} · ${formatDateTime(r.createdAt)}${
                r.incidentReference ? ` · became ${r.incidentReference}` : ''
              }`}
            />
          )}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="Pages"
          list={{ count: digest.pages.total, items: digest.pages.byTeam }}
          item={t => (
            <ListItemText
              primary={t.name}
              secondary={`${t.pages} page${t.pages === 1 ? '' : 's'}, ${
                t.acknowledged
              } acknowledged`}
            />
          )}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="Post-mortems due"
          list={digest.postmortemsDue}
          item={p => (
            <ListItemText
              primary={
                <>
                  <Link to={postmortemLink({ id: p.reference })}>
                    {p.reference}
                  </Link>{' '}
                  {p.title}
                </>
              }
              secondary={
                <>
                  {`${dueWords(p.overdueDays)} (${
                    p.dueDate
                  }) · ${p.status.replace('_', ' ')} · `}
                  <ActorName actor={p.ownerRef} />
                </>
              }
            />
          )}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="Releases in the next 24 hours"
          list={digest.releases}
          item={r => (
            <ListItemText
              primary={
                <>
                  <Link to={releaseLink({ id: r.reference })}>
                    {r.reference}
                  </Link>{' '}
                  {r.title}
                </>
              }
              secondary={`${shortRef(r.entityRef)} to ${
                r.environment
              } · ${formatDateTime(r.startAt)} to ${formatDateTime(
                r.endAt,
              )} · ${r.status.replace('_', ' ')}`}
            />
          )}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="Release freezes"
          list={{ count: digest.freezes.length, items: digest.freezes }}
          item={f => (
            <ListItemText
              primary={f.name}
              secondary={`${formatDateTime(f.start)} to ${formatDateTime(
                f.end,
              )}${f.reason ? ` · ${f.reason}` : ''}`}
            />
          )}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section
          title="On call tonight"
          list={{
            count: digest.onCallTonight.length,
            items: digest.onCallTonight,
          }}
          empty="No on-call schedule."
          item={o => (
            <ListItemText
              primary={`${o.scheduleName}: ${
                o.people.map(p => p.name).join(', ') || 'nobody'
              }`}
              secondary={`at ${formatDateTime(o.at, { zone: o.timeZone })}`}
            />
          )}
        />
      </Grid>
    </Grid>
  );
}

function dueWords(overdueDays: number): string {
  if (overdueDays > 0) {
    return `${overdueDays} day${overdueDays === 1 ? '' : 's'} overdue`;
  }
  return overdueDays === 0 ? 'due today' : 'due tomorrow';
}

/**
 * `/multivac/digest`: the daily digest the Slack bot posts, for the company
 * or a team, over the last hours (`?team=&hours=` in the URL).
 */
export const DigestPage = () => {
  const api = useApi(multivacApiRef);
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const { value, loading, error } = useAsync(
    () =>
      api.getDigest({
        hours: Number(filters.hours),
        ...(filters.team && { team: filters.team }),
      }),
    [api, filters.hours, filters.team],
  );
  const setFilter = (key: 'hours' | 'team', next: string) => {
    const updated = new URLSearchParams(params);
    if (next && !(key === 'hours' && next === DEFAULT_HOURS)) {
      updated.set(key, next);
    } else {
      updated.delete(key);
    }
    setParams(updated, { replace: true });
  };

  return (
    <Page themeId="tool">
      <Header
        title="Digest"
        subtitle="What happened, what is due and who is on call tonight"
      />
      <Content>
        <ContentHeader
          title={
            value
              ? `${value.team ? `${value.team.name}: ` : ''}the last ${
                  value.hours
                } hours up to ${formatDateTime(value.period.to)}`
              : 'Digest'
          }
        >
          <SupportButton>
            The digest the Slack bot posts to channels each morning, composed on
            the server.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2}>
          <Grid item xs={12} sm={6}>
            <EntityRefPicker
              id="multivac-digest-team"
              label="Team"
              kinds={['Group']}
              multiple={false}
              value={filters.team ? [filters.team] : []}
              onChange={refs => setFilter('team', refs[0] ?? '')}
            />
          </Grid>
          <Grid item xs={12} sm={3}>
            <FilterSelect
              id="multivac-digest-hours"
              label="Period"
              value={filters.hours}
              options={HOURS.map(h => ({
                value: h,
                label: h === '168' ? 'Last week' : `Last ${h} hours`,
              }))}
              onChange={next => setFilter('hours', next)}
            />
          </Grid>
          <Grid item xs={12}>
            {loading && <Progress />}
            {error && <ResponseErrorPanel error={error} />}
            {value && !loading && <DigestSections digest={value} />}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
