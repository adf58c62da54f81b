import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Checkbox,
  FormControlLabel,
  Grid,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  POSTMORTEM_STATUSES,
  PostmortemStatus,
  Severity,
} from '@multivac/plugin-multivac-common';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { multivacApiRef } from '../../api/MultivacApi';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { EntityRefPicker } from '../EntityRefPicker';
import { ALL, FilterSelect, SEVERITY_FILTER_OPTIONS } from '../FilterSelect';
import { POSTMORTEM_STATUS_LABELS } from '../IncidentChips';
import { PostmortemsTable } from '../PostmortemsTable';

const PAGE_SIZE = 20;
const UNPUBLISHED = 'unpublished';
const SEARCH_DELAY_MS = 300;

function statusFilter(value: string): PostmortemStatus[] | undefined {
  if (value === ALL) {
    return undefined;
  }
  return value === UNPUBLISHED
    ? ['draft', 'in_review']
    : [value as PostmortemStatus];
}

const DEFAULTS = {
  q: '',
  entityRef: '',
  severity: ALL,
  status: ALL,
  overdue: 'false',
};
const ALLOWED = {
  severity: SEVERITY_FILTER_OPTIONS.map(option => option.value),
  status: [ALL, UNPUBLISHED, ...POSTMORTEM_STATUSES],
  overdue: ['true', 'false'],
};

/**
 * `/multivac/postmortems`: every post-mortem, searched, filtered and paged;
 * the search and filters live in the URL so a filtered view can be shared.
 */
export const PostmortemsListPage = () => {
  const api = useApi(multivacApiRef);
  const { filters, page, setFilter, setPage, query } = useUrlFilters(
    DEFAULTS,
    ALLOWED,
  );
  const { severity, status } = filters;
  const overdue = filters.overdue === 'true';
  const entityRefs = filters.entityRef ? filters.entityRef.split(',') : [];

  // What is typed reaches the URL (and the server) once typing pauses.
  const [text, setText] = useState(filters.q);
  // A link followed or Back: the box shows the URL's search.
  useEffect(
    () =>
      setText(current => (current.trim() === filters.q ? current : filters.q)),
    [filters.q],
  );
  useDebounce(
    () => {
      if (text.trim() !== filters.q) {
        setFilter('q', text.trim());
      }
    },
    SEARCH_DELAY_MS,
    [text],
  );

  const { value, loading, error } = useAsync(
    () =>
      api.listPostmortems({
        q: filters.q || undefined,
        entityRef: entityRefs.length ? entityRefs : undefined,
        severity: severity === ALL ? undefined : (severity as Severity),
        status: statusFilter(status),
        overdue: overdue ? 'true' : undefined,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, query],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Post-mortems"
        subtitle="What we learned from resolved incidents, and what we are doing about it"
      />
      <Content>
        <ContentHeader title="">
          <SupportButton>
            Post-mortems are written after an incident is resolved: use "Write
            post-mortem" on the incident's page. Search looks in titles, every
            section and the action items.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} md={4}>
            <TextField
              id="multivac-postmortems-search"
              label="Search"
              placeholder="Words in the title, a section or an action item"
              value={text}
              onChange={e => setText(e.target.value)}
              fullWidth
              variant="outlined"
              margin="dense"
              type="search"
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <EntityRefPicker
              label="Team, system or service"
              kinds={['Group', 'System', 'Component']}
              value={entityRefs}
              onChange={refs => setFilter('entityRef', refs.join(','))}
              multiple
            />
          </Grid>
          <Grid item xs={6} md={2}>
            <FilterSelect
              id="multivac-postmortems-severity"
              label="Severity"
              value={severity}
              onChange={next => setFilter('severity', next)}
              options={SEVERITY_FILTER_OPTIONS}
            />
          </Grid>
          <Grid item xs={6} md={2}>
            <FilterSelect
              id="multivac-postmortems-status"
              label="Status"
              value={status}
              onChange={next => setFilter('status', next)}
              options={[
                { value: ALL, label: 'All' },
                { value: UNPUBLISHED, label: 'Not published' },
                ...POSTMORTEM_STATUSES.map(s => ({
                  value: s,
                  label: POSTMORTEM_STATUS_LABELS[s],
                })),
              ]}
            />
          </Grid>
          <Grid item xs={12}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={overdue}
                  onChange={e => setFilter('overdue', String(e.target.checked))}
                />
              }
              label="Overdue only"
            />
          </Grid>
          <Grid item xs={12}>
            {error ? (
              <ResponseErrorPanel error={error} />
            ) : (
              <PostmortemsTable
                title={
                  value ? `Post-mortems (${value.totalCount})` : 'Post-mortems'
                }
                postmortems={value?.items ?? []}
                isLoading={loading}
                pagination={{
                  page,
                  pageSize: PAGE_SIZE,
                  totalCount: value?.totalCount ?? 0,
                  onPageChange: setPage,
                }}
                emptyContent={
                  <Typography style={{ padding: 16 }}>
                    No post-mortems match these filters.
                  </Typography>
                }
              />
            )}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
