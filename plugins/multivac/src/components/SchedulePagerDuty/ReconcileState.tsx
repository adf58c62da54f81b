import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  PagerDutyReconcileState,
  PagerDutyReconcileStatus,
} from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';

const STATUS: Record<
  PagerDutyReconcileStatus,
  { icon: JSX.Element; text: string }
> = {
  pending: { icon: <StatusPending />, text: 'Waiting to run' },
  running: { icon: <StatusRunning />, text: 'Running' },
  succeeded: { icon: <StatusOK />, text: 'Succeeded' },
  failed: { icon: <StatusError />, text: 'Failed' },
  retrying: { icon: <StatusWarning />, text: 'Retrying' },
};

const Line = (props: { label: string; children: React.ReactNode }) => (
  <Typography variant="body2" component="div">
    <strong>{props.label}:</strong> {props.children}
  </Typography>
);

/** A PagerDuty id, linked to PagerDuty when its web address is known. */
const PagerDutyId = (props: { id: string; baseUrl?: string; path: string }) =>
  props.baseUrl ? (
    <a
      href={`${props.baseUrl}/${props.path}/${encodeURIComponent(props.id)}`}
      target="_blank"
      rel="noopener noreferrer"
    >
      <code>{props.id}</code>
    </a>
  ) : (
    <code>{props.id}</code>
  );

/**
 * The last reconcile: its status, attempts, last run, next attempt, last
 * error, and the PagerDuty schedule, escalation policy and services it
 * keeps (linked when `pagerDutyUrl`, the account's web address, is given).
 */
export const ReconcileState = ({
  state,
  pagerDutyUrl,
}: {
  state: PagerDutyReconcileState;
  pagerDutyUrl?: string;
}) => {
  const status = STATUS[state.status];
  const { scheduleId, escalationPolicyId, serviceIds } = state.pagerDuty;
  return (
    <Box>
      <Line label="Status">
        <span role="status" aria-label="Reconcile status">
          {status?.icon} {status?.text ?? state.status}
        </span>
      </Line>
      <Line label="Attempts">{state.attempts}</Line>
      <Line label="Last run">
        {state.lastRunAt ? formatDateTime(state.lastRunAt) : 'not yet'}
      </Line>
      {state.nextAttemptAt && (
        <Line label="Next attempt">{formatDateTime(state.nextAttemptAt)}</Line>
      )}
      {state.lastError && (
        <Alert severity="error" aria-label="Last error">
          {state.lastError}
        </Alert>
      )}
      <Line label="PagerDuty schedule">
        {scheduleId ? (
          <PagerDutyId
            id={scheduleId}
            baseUrl={pagerDutyUrl}
            path="schedules"
          />
        ) : (
          'not created yet'
        )}
      </Line>
      <Line label="Escalation policy">
        {escalationPolicyId ? (
          <PagerDutyId
            id={escalationPolicyId}
            baseUrl={pagerDutyUrl}
            path="escalation_policies"
          />
        ) : (
          'not created yet'
        )}
      </Line>
      <Line label="Services">
        {serviceIds.length
          ? serviceIds.map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                <PagerDutyId
                  id={id}
                  baseUrl={pagerDutyUrl}
                  path="service-directory"
                />
              </span>
            ))
          : 'none linked'}
      </Line>
    </Box>
  );
};
