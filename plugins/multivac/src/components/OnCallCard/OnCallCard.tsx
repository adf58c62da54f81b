import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
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
  liveChannels,
  OnCallPerson,
  OnCallShiftInfo,
} from '@multivac/plugin-multivac-common';
import { Fragment, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime, formatWithScheduleTime } from '../../formatTime';
import { useLiveRefresh } from '../../hooks/useLiveRefresh';
import { AcknowledgeDecisionsProvider } from '../AcknowledgePageButton';
import { CoverShiftButton } from '../CoverShiftDialog';
import { ContactLinks, PersonName } from '../OnCallPerson';
import { FiringAlerts } from './FiringAlerts';
import { PageOnCallDialog } from '../PageOnCallDialog';
import { RecentPages } from '../RecentPages';

/**
 * When a shift starts or ends, in the viewer's zone with the zone named and,
 * when the schedule's clock differs, in the schedule's zone too: shifts
 * change hands at the schedule's times.
 */
function when(iso: string, scheduleZone?: string): string {
  return scheduleZone
    ? formatWithScheduleTime(iso, scheduleZone)
    : formatDateTime(iso);
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
  /** The schedule's IANA zone, when the provider gives it. */
  scheduleZone?: string;
  onPage?: PagePerson;
}) => {
  const { shift, label, scheduleZone, onPage } = props;
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
            ? `from ${when(shift.start, scheduleZone)}`
            : `until ${when(shift.end, scheduleZone)}`}
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
  // One request: the answer, the recent pages and the viewer's decisions.
  const card = useAsyncRetry(
    () => api.getOnCallCard(entityRef),
    [api, entityRef],
  );
  useLiveRefresh(liveChannels.entityPages(entityRef), card.retry);
  const canPage = card.value?.viewer.mayPage ?? false;
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

  if (card.loading && !card.value) {
    return (
      <InfoCard title="On call">
        <Progress />
      </InfoCard>
    );
  }
  if (card.error || !card.value?.onCall) {
    return (
      <InfoCard title="On call">
        <FiringAlerts entity={entity} count={card.value?.firingAlerts} />
        {card.error ? (
          <ResponseErrorPanel error={card.error} />
        ) : (
          <Alert severity="info">{card.value?.notFound}</Alert>
        )}
      </InfoCard>
    );
  }
  const { recentPages, viewer } = card.value;
  const answer = card.value.onCall;
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
      <FiringAlerts entity={entity} count={card.value.firingAlerts} />
      {first?.onCall.length ? (
        first.onCall.map(shift => (
          <Shift
            key={`${shift.person.name}-${shift.start}`}
            shift={shift}
            label="Now"
            scheduleZone={answer.schedule.timeZone}
            onPage={pagePerson}
          />
        ))
      ) : (
        <Alert severity="warning">Nobody is on call right now.</Alert>
      )}
      {answer.next && (
        <Shift
          shift={answer.next}
          label="Next"
          scheduleZone={answer.schedule.timeZone}
          onPage={pagePerson}
        />
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
      <AcknowledgeDecisionsProvider pageIds={viewer.mayAcknowledge}>
        <RecentPages pages={recentPages} onChange={card.retry} />
      </AcknowledgeDecisionsProvider>
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
        </Button>{' '}
        {viewer.mayOverride && (
          <CoverShiftButton schedule={answer.schedule} onCovered={card.retry} />
        )}
      </Box>
      <PageOnCallDialog
        entityRef={entityRef}
        onCallName={first?.onCall.map(s => s.person.name).join(', ')}
        person={pagedPerson}
        open={paging}
        onClose={() => setPaging(false)}
        onPaged={() => {
          setPaging(false);
          card.retry();
        }}
      />
    </InfoCard>
  );
};
