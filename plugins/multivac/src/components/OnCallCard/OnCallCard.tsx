import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import {
  Box,
  Button,
  Divider,
  IconButton,
  Typography,
} from '@material-ui/core';
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import Alert from '@material-ui/lab/Alert';
import {
  oncallPagePermission,
  OnCallPerson,
  OnCallShiftInfo,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { usePermission } from '@backstage/plugin-permission-react';
import { Fragment, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { ContactLinks, PersonName } from '../OnCallPerson';
import { FiringAlerts, useFiringAlerts } from './FiringAlerts';
import { PageOnCallDialog } from '../PageOnCallDialog';
import { RecentPages } from '../RecentPages';

function when(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATETIME_MED);
}

type PagePerson = (person: { userRef: string; name: string }) => void;

/** Pages one person directly; only for people in the catalog. */
const PagePersonButton = (props: {
  person: OnCallPerson;
  onPage?: PagePerson;
}) => {
  const { person, onPage } = props;
  if (!onPage || !person.userRef) {
    return null;
  }
  const { userRef, name } = person;
  return (
    <IconButton
      size="small"
      aria-label={`Page ${name}`}
      title={`Page ${name} directly`}
      onClick={() => onPage({ userRef, name })}
    >
      <NotificationsActiveIcon fontSize="small" />
    </IconButton>
  );
};

const Shift = (props: {
  shift: OnCallShiftInfo;
  label: string;
  onPage?: PagePerson;
}) => {
  const { shift, label, onPage } = props;
  return (
    <Box mb={1}>
      <Typography variant="overline">{label}</Typography>
      <Box display="flex" alignItems="center" flexWrap="wrap">
        <Typography variant="body1" component="span">
          <PersonName person={shift.person} />
        </Typography>
        <Typography variant="body2" color="textSecondary" component="span">
          &nbsp;
          {label === 'Next'
            ? `from ${when(shift.start)}`
            : `until ${when(shift.end)}`}
        </Typography>
        <PagePersonButton person={shift.person} onPage={onPage} />
      </Box>
      {label !== 'Next' && <ContactLinks person={shift.person} />}
    </Box>
  );
};

/**
 * On-call card for the entity overview: who is on call now and until when,
 * how to reach them, who is next, and the escalation chain.
 */
export const OnCallCard = () => {
  const { entity } = useEntity();
  const api = useApi(multivacApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getOnCall(entityRef),
    [api, entityRef],
  );
  const pages = useAsyncRetry(() => api.listPages(entityRef), [api, entityRef]);
  const firingAlerts = useFiringAlerts(entityRef);
  const { allowed: canPage } = usePermission({
    permission: oncallPagePermission,
  });
  const [paging, setPaging] = useState(false);
  const [pagedPerson, setPagedPerson] = useState<{
    userRef: string;
    name: string;
  }>();
  const pagePerson: PagePerson | undefined = canPage
    ? person => {
        setPagedPerson(person);
        setPaging(true);
      }
    : undefined;

  if (loading) {
    return (
      <InfoCard title="On call">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="On call">
        <FiringAlerts entity={entity} state={firingAlerts} />
        {error instanceof ResponseError && error.statusCode === 404 ? (
          <Alert severity="info">{error.message}</Alert>
        ) : (
          <ResponseErrorPanel error={error} />
        )}
      </InfoCard>
    );
  }
  const answer = value!;
  const [first, ...escalation] = answer.levels;
  const viaOther = answer.resolvedFrom !== answer.entityRef;

  return (
    <InfoCard
      title="On call"
      subheader={
        <>
          {answer.schedule.name} ({answer.provider})
          {viaOther && (
            <>
              {' '}
              via <EntityRefLink entityRef={answer.resolvedFrom} />
            </>
          )}
        </>
      }
    >
      <FiringAlerts entity={entity} state={firingAlerts} />
      {first?.onCall.length ? (
        first.onCall.map(shift => (
          <Shift
            key={`${shift.person.name}-${shift.start}`}
            shift={shift}
            label="Now"
            onPage={pagePerson}
          />
        ))
      ) : (
        <Alert severity="warning">Nobody is on call right now.</Alert>
      )}
      {answer.next && (
        <Shift shift={answer.next} label="Next" onPage={pagePerson} />
      )}
      {escalation.length > 0 && (
        <>
          <Divider />
          <Box mt={1}>
            <Typography variant="overline">Escalation</Typography>
            {escalation.map(level => (
              <Typography key={level.level} variant="body2" component="div">
                Level {level.level}, after{' '}
                {answer.levels[level.level - 2].timeoutMinutes} min without
                acknowledgement: {level.onCall.length === 0 && 'nobody'}
                {level.onCall.map((s, i) => (
                  <Fragment key={`${s.person.name}-${s.start}`}>
                    {i > 0 && ', '}
                    {s.person.name}
                    <PagePersonButton person={s.person} onPage={pagePerson} />
                  </Fragment>
                ))}
              </Typography>
            ))}
          </Box>
        </>
      )}
      <RecentPages pages={pages.value ?? []} onChange={pages.retry} />
      <Box mt={2}>
        <Button
          variant="contained"
          color="secondary"
          startIcon={<NotificationsActiveIcon />}
          disabled={!canPage}
          onClick={() => {
            setPagedPerson(undefined);
            setPaging(true);
          }}
        >
          Page on-call
        </Button>
      </Box>
      <PageOnCallDialog
        entityRef={entityRef}
        onCallName={first?.onCall.map(s => s.person.name).join(', ')}
        person={pagedPerson}
        open={paging}
        onClose={() => setPaging(false)}
        onPaged={() => {
          setPaging(false);
          pages.retry();
        }}
      />
    </InfoCard>
  );
};
