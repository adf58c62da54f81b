import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';
import { releaseRouteRef, releasesRouteRef } from '../../routes';
import { HomeCardList } from '../HomeCardList';

/** Days ahead the card looks at. */
export const TEAM_RELEASES_DAYS = 7;
/** Releases the card lists at most. */
const MAX_RELEASES = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Home card: planned or in-progress releases of what the user's groups own
 * (their `ownershipEntityRefs` of kind Group) over the next 7 days.
 */
export const HomeTeamReleasesCard = () => {
  const api = useApi(multivacApiRef);
  const identityApi = useApi(identityApiRef);
  const releaseLink = useRouteRef(releaseRouteRef);
  const releasesLink = useRouteRef(releasesRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const groups = ownershipEntityRefs.filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
    if (!groups.length) {
      return { groups, releases: [] };
    }
    const now = Date.now();
    const { items } = await api.listReleases({
      entityRef: groups,
      status: 'active',
      from: new Date(now).toISOString(),
      to: new Date(now + TEAM_RELEASES_DAYS * DAY_MS).toISOString(),
      limit: MAX_RELEASES,
    });
    return { groups, releases: items };
  }, [api, identityApi]);
  return (
    <HomeCardList
      loading={loading}
      error={error}
      empty={
        value && !value.groups.length
          ? 'You are in no team in the catalog, so no team releases to show.'
          : `No release of your team's in the next ${TEAM_RELEASES_DAYS} days.`
      }
      lines={value?.releases.map(release => ({
        key: release.id,
        primary: (
          <Link to={releaseLink({ id: release.reference })}>
            {release.reference} {release.title}
          </Link>
        ),
        secondary: (
          <Box component="span">
            <EntityRefLink
              entityRef={release.entityRef}
              defaultKind="component"
            />{' '}
            to {release.environment}, {formatDateTime(release.start)}
          </Box>
        ),
      }))}
      link={{ to: releasesLink(), title: 'Release calendar' }}
    />
  );
};
