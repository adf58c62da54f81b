import { useCallback, useEffect } from 'react';
import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { SearchFilter, useSearch } from '@backstage/plugin-search-react';

/** The document types of Multivac's search collators. */
export const MULTIVAC_SEARCH_TYPES = [
  'multivac-incident',
  'multivac-postmortem',
] as const;

/** The document field the collators put the team's names in. */
const TEAM_FIELD = 'team';

/**
 * A Group's name as the collators write it into `team`: its profile's
 * display name, else its title, else its name.
 */
function teamName(group: Entity): string {
  const profile = group.spec?.profile as { displayName?: unknown } | undefined;
  return typeof profile?.displayName === 'string' && profile.displayName
    ? profile.displayName
    : group.metadata.title ?? group.metadata.name;
}

function isMultivacSearch(types: string[]): boolean {
  return (
    types.length > 0 &&
    types.every(type =>
      (MULTIVAC_SEARCH_TYPES as readonly string[]).includes(type),
    )
  );
}

/**
 * Filters the search by team: a select of the catalog's Groups by name, which
 * sets the `team` filter. Shown only while the selected result types are
 * Multivac's (other documents have no `team`, so the filter would hide them);
 * when they are not, a `team` filter left over (e.g. from the link) is
 * removed.
 */
export const MultivacTeamFilter = (props: { className?: string }) => {
  const { className } = props;
  const catalogApi = useApi(catalogApiRef);
  const { types, filters, setFilters } = useSearch();
  const shown = isMultivacSearch(types);
  const filtered = filters[TEAM_FIELD] !== undefined;

  useEffect(() => {
    if (!shown && filtered) {
      setFilters(({ [TEAM_FIELD]: _team, ...others }) => others);
    }
  }, [shown, filtered, setFilters]);

  const teams = useCallback(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return [...new Set(items.map(teamName))].sort((a, b) => a.localeCompare(b));
  }, [catalogApi]);

  if (!shown) {
    return null;
  }
  return (
    <SearchFilter.Select
      className={className}
      label="Team"
      name={TEAM_FIELD}
      values={teams}
    />
  );
};
