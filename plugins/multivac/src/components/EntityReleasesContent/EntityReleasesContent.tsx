import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { ReleasesTable } from '../ReleasesTable';

const DAY_MS = 86_400_000;
/** "Upcoming" looks this far ahead ... */
const UPCOMING_DAYS = 30;
/** ... and "recent" this far back. */
const PAST_DAYS = 90;
const LIMIT = 100;

const empty = (text: string) => (
  <Typography style={{ padding: 16 }}>{text}</Typography>
);

/**
 * The Releases tab of an entity page: its upcoming and recent releases (a
 * team or System: those of what it owns or contains), and the upcoming
 * releases of what it depends on.
 */
export const EntityReleasesContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);

  const { value, loading, error } = useAsync(async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const [upcoming, past, around] = await Promise.all([
      api.listReleases({
        entityRef,
        from: iso(now),
        to: iso(now + UPCOMING_DAYS * DAY_MS),
        limit: LIMIT,
      }),
      api.listReleases({
        entityRef,
        from: iso(now - PAST_DAYS * DAY_MS),
        to: iso(now),
        limit: LIMIT,
      }),
      api.listReleasesAround({
        entityRef,
        from: iso(now),
        to: iso(now + UPCOMING_DAYS * DAY_MS),
        status: 'active',
      }),
    ]);
    return {
      upcoming: upcoming.items.map(release => ({ release })),
      // newest first; a release still running is upcoming, not past
      past: past.items
        .filter(release => Date.parse(release.end) <= now)
        .reverse()
        .map(release => ({ release })),
      dependencies: around.filter(item => item.reason),
    };
  }, [api, entityRef]);

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ReleasesTable
          title={`Upcoming releases (next ${UPCOMING_DAYS} days)`}
          releases={value?.upcoming ?? []}
          isLoading={loading}
          emptyContent={empty(
            'No releases booked. Book one in the release calendar.',
          )}
        />
      </Grid>
      <Grid item xs={12}>
        <ReleasesTable
          title="Upcoming releases of its dependencies"
          releases={value?.dependencies ?? []}
          isLoading={loading}
          showReason
          emptyContent={empty('None of its dependencies has a release booked.')}
        />
      </Grid>
      <Grid item xs={12}>
        <ReleasesTable
          title={`Past releases (last ${PAST_DAYS} days)`}
          releases={value?.past ?? []}
          isLoading={loading}
          emptyContent={empty('No releases in this time.')}
        />
      </Grid>
    </Grid>
  );
};
