import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { PostmortemsTable } from '../PostmortemsTable';

const PAGE_SIZE = 20;

/**
 * The Post-mortems tab of an entity page: the post-mortems of its incidents
 * (a team or System also sees those of what it owns or contains).
 */
export const EntityPostmortemsContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);
  const [page, setPage] = useState(0);

  const { value, loading, error } = useAsync(
    () =>
      api.listPostmortems({
        entityRef,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, entityRef, page],
  );

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <PostmortemsTable
      title="Post-mortems"
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
          No post-mortems yet. They are written on the page of a resolved
          incident.
        </Typography>
      }
    />
  );
};
