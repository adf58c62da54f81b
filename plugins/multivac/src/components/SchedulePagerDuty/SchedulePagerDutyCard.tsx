import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Tooltip, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { oncallReconcilePermission } from '@multivac/plugin-multivac-common';
import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  multivacApiRef,
  PagerDutyReconcileState,
  PagerDutyReconcileStatus,
} from '../../api/MultivacApi';
import { PagerDutyPlanTable } from './PagerDutyPlanTable';
import { ReconcileState } from './ReconcileState';

/** The annotation that marks a Schedule entity for PagerDuty. */
export const PAGERDUTY_RECONCILE_ANNOTATION = 'pagerduty.com/reconcile';

/** The account of schedules without `pagerduty.com/account`. */
const DEFAULT_ACCOUNT = 'default';

/** How often the state is read again while a reconcile waits or runs. */
export const STATE_POLL_MS = 2_000;

const IN_FLIGHT: PagerDutyReconcileStatus[] = ['pending', 'running'];

type StateAnswer =
  | { kind: 'state'; state: PagerDutyReconcileState }
  | { kind: 'never'; message: string };

/** The state, or why there is none (404: never reconciled). */
async function readState(
  load: () => Promise<PagerDutyReconcileState>,
): Promise<StateAnswer> {
  try {
    return { kind: 'state', state: await load() };
  } catch (error) {
    if ((error as ResponseError).statusCode === 404) {
      return { kind: 'never', message: (error as Error).message };
    }
    throw error;
  }
}

const ReconcileButton = (props: {
  allowed: boolean;
  checking: boolean;
  busy: boolean;
  onClick: () => void;
}) => {
  const reason = props.allowed
    ? ''
    : 'You may not reconcile schedules to PagerDuty (multivac.oncall.reconcile).';
  const button = (
    <Button
      variant="contained"
      color="primary"
      onClick={props.onClick}
      disabled={!props.allowed || props.checking || props.busy}
    >
      Reconcile now
    </Button>
  );
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      {props.allowed || props.checking ? (
        button
      ) : (
        // A disabled button fires no events: the span carries the tooltip.
        <Tooltip title={reason}>
          <span>{button}</span>
        </Tooltip>
      )}
      {!props.allowed && !props.checking && (
        <Typography variant="caption" color="textSecondary">
          {reason}
        </Typography>
      )}
    </Box>
  );
};

const Reconciled = ({ scheduleRef }: { scheduleRef: string }) => {
  const api = useApi(multivacApiRef);
  const webUrl = useApi(configApiRef)
    .getOptionalString('multivac.pagerDuty.webUrl')
    ?.replace(/\/+$/, '');
  const { allowed, loading: checking } = usePermission({
    permission: oncallReconcilePermission,
  });
  const state = useAsyncRetry(
    () => readState(() => api.getPagerDutyState(scheduleRef)),
    [api, scheduleRef],
  );
  const plan = useAsyncRetry(
    () => api.getPagerDutyPlan(scheduleRef),
    [api, scheduleRef],
  );
  const [starting, setStarting] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  const status =
    state.value?.kind === 'state' ? state.value.state.status : undefined;
  const retries = useRef({ state: state.retry, plan: plan.retry });
  retries.current = { state: state.retry, plan: plan.retry };
  // While a reconcile waits or runs, read the state again after each answer;
  // once it is done, read the plan again too (it should now be in sync).
  const previous = useRef(status);
  useEffect(() => {
    const wasInFlight =
      previous.current && IN_FLIGHT.includes(previous.current);
    previous.current = status;
    if (status && IN_FLIGHT.includes(status)) {
      const timer = setTimeout(() => retries.current.state(), STATE_POLL_MS);
      return () => clearTimeout(timer);
    }
    if (wasInFlight) {
      retries.current.plan();
    }
    return undefined;
  }, [state.value, status]);

  const reconcile = async () => {
    setStarting(true);
    setRefusal(undefined);
    try {
      await api.reconcilePagerDuty(scheduleRef);
      retries.current.state();
    } catch (error) {
      // e.g. 403: the backend's words, naming the permission.
      setRefusal((error as Error).message);
    } finally {
      setStarting(false);
    }
  };

  // The configured address is the default account's; the plan says which
  // account the schedule is in.
  const pagerDutyUrl =
    plan.value?.schedule.account === DEFAULT_ACCOUNT ? webUrl : undefined;

  let stateBody;
  if (state.loading && !state.value) {
    stateBody = <Progress />;
  } else if (state.error) {
    stateBody = <ResponseErrorPanel error={state.error} />;
  } else if (state.value?.kind === 'never') {
    stateBody = (
      <Alert severity="info" role="note">
        Not reconciled yet: {state.value.message}
      </Alert>
    );
  } else if (state.value) {
    stateBody = (
      <ReconcileState state={state.value.state} pagerDutyUrl={pagerDutyUrl} />
    );
  }

  let planBody;
  if (plan.loading && !plan.value) {
    planBody = <Progress />;
  } else if (plan.error) {
    planBody = <ResponseErrorPanel error={plan.error} />;
  } else if (plan.value) {
    planBody = <PagerDutyPlanTable plan={plan.value} />;
  }

  return (
    <>
      <Typography variant="h6">Last reconcile</Typography>
      {stateBody}
      <Box mt={2} mb={1}>
        <Typography variant="h6">Dry run</Typography>
        <Typography variant="body2" color="textSecondary">
          What a reconcile would change in PagerDuty now. Nothing in PagerDuty
          is deleted unless the file says so: layers and escalation rules it no
          longer has are removed only with{' '}
          <code>pagerduty.com/reconcile-removals: &apos;true&apos;</code>.
        </Typography>
      </Box>
      {planBody}
      <Box mt={2}>
        <ReconcileButton
          allowed={allowed}
          checking={checking}
          busy={starting || Boolean(status && IN_FLIGHT.includes(status))}
          onClick={reconcile}
        />
        {refusal && (
          <Alert severity="error" role="alert">
            {refusal}
          </Alert>
        )}
      </Box>
    </>
  );
};

/**
 * The PagerDuty card of a Schedule entity: where its reconcile to PagerDuty
 * stands, the dry run (what a reconcile would change), and **Reconcile
 * now**. A schedule without `pagerduty.com/reconcile: 'true'` says how to
 * turn it on.
 */
export const SchedulePagerDutyCard = () => {
  const { entity } = useEntity();
  const marked =
    entity.metadata.annotations?.[PAGERDUTY_RECONCILE_ANNOTATION] === 'true';
  return (
    <InfoCard title="PagerDuty">
      {marked ? (
        <Reconciled scheduleRef={stringifyEntityRef(entity)} />
      ) : (
        <Typography variant="body2">
          Multivac does not keep this schedule in PagerDuty. To have it create
          and update the PagerDuty schedule, escalation policy and service links
          from this file, add the annotation{' '}
          <code>{PAGERDUTY_RECONCILE_ANNOTATION}: &apos;true&apos;</code> to the
          schedule file.
        </Typography>
      )}
    </InfoCard>
  );
};
