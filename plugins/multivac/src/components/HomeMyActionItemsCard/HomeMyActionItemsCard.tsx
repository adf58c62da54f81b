import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { postmortemRouteRef, postmortemsRouteRef } from '../../routes';
import { HomeCardList } from '../HomeCardList';

/** Items the card lists at most. */
export const MY_ACTION_ITEMS_LIMIT = 5;

/**
 * Home card: the signed-in user's open post-mortem action items, the
 * earliest due first (`GET /action-items?owner=me&status=open`).
 */
export const HomeMyActionItemsCard = () => {
  const api = useApi(multivacApiRef);
  const postmortemLink = useRouteRef(postmortemRouteRef);
  const postmortemsLink = useRouteRef(postmortemsRouteRef);
  const { value, loading, error } = useAsync(
    () =>
      api.listActionItems({
        owner: 'me',
        status: 'open',
        limit: MY_ACTION_ITEMS_LIMIT,
      }),
    [api],
  );
  const today = DateTime.local().toISODate();
  const more =
    value && value.totalCount > value.items.length
      ? `${value.totalCount - value.items.length} more open items are yours. `
      : '';
  return (
    <HomeCardList
      loading={loading}
      error={error}
      empty="No open action item is yours."
      lines={value?.items.map(item => ({
        key: item.id,
        primary: (
          <Link to={postmortemLink({ id: item.postmortemReference })}>
            {item.title}
          </Link>
        ),
        secondary: `${item.postmortemReference} ${item.postmortemTitle}${
          item.dueDate
            ? ` · due ${item.dueDate}${
                today && item.dueDate < today ? ' (overdue)' : ''
              }`
            : ''
        }`,
      }))}
      link={{ to: postmortemsLink(), title: `${more}All post-mortems` }}
    />
  );
};
