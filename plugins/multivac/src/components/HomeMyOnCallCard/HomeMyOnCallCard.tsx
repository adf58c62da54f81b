import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';
import { rootRouteRef } from '../../routes';
import { HomeCardList } from '../HomeCardList';

/** Days ahead the card looks at. */
export const MY_SHIFTS_DAYS = 14;
/** Shifts the card lists at most. */
const MAX_SHIFTS = 5;

/** `ada` and `User:default/Ada` are the same person as `user:default/ada`. */
function userKey(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }),
  ).toLocaleLowerCase('en-US');
}

/**
 * Home card: the signed-in user's shifts on the built-in schedules over the
 * next 14 days (the one going on now first), from `GET /oncall/schedules`.
 */
export const HomeMyOnCallCard = () => {
  const api = useApi(multivacApiRef);
  const identityApi = useApi(identityApiRef);
  const root = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const [{ userEntityRef }, schedules] = await Promise.all([
      identityApi.getBackstageIdentity(),
      api.listSchedules(MY_SHIFTS_DAYS),
    ]);
    const me = userKey(userEntityRef);
    const now = Date.now();
    return schedules
      .flatMap(schedule =>
        schedule.shifts
          .filter(
            shift =>
              !!shift.person.userRef &&
              userKey(shift.person.userRef) === me &&
              Date.parse(shift.end) > now,
          )
          .map(shift => ({ schedule, shift })),
      )
      .sort((a, b) => Date.parse(a.shift.start) - Date.parse(b.shift.start))
      .slice(0, MAX_SHIFTS);
  }, [api, identityApi]);
  const now = Date.now();
  return (
    <HomeCardList
      loading={loading}
      error={error}
      empty={`You have no on-call shift in the next ${MY_SHIFTS_DAYS} days.`}
      lines={value?.map(({ schedule, shift }) => ({
        key: `${schedule.id}-${shift.start}`,
        primary:
          Date.parse(shift.start) <= now
            ? `${schedule.name} — on call now`
            : schedule.name,
        secondary: `${formatDateTime(shift.start)} → ${formatDateTime(
          shift.end,
        )}`,
      }))}
      link={{ to: `${root()}/oncall`, title: 'All schedules' }}
    />
  );
};
