import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  PagerDutyChange,
  PagerDutyPlan,
  PagerDutyResource,
} from '../../api/MultivacApi';

export const RESOURCE_LABELS: Record<PagerDutyResource, string> = {
  schedule: 'Schedule',
  escalationPolicy: 'Escalation policy',
  serviceLink: 'Service link',
};

/** A field's value as the table shows it; `—` where there is none yet. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) {
    return '—';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function resourceText(change: PagerDutyChange): string {
  const label = RESOURCE_LABELS[change.resource] ?? change.resource;
  return change.id ? `${label} ${change.id}` : label;
}

/**
 * The dry run: one row per field a reconcile would change (resource,
 * action, field, PagerDuty's value → the file's), or "In sync" when
 * PagerDuty already matches the file.
 */
export const PagerDutyPlanTable = ({ plan }: { plan: PagerDutyPlan }) => {
  const changing = plan.changes.filter(change => change.action !== 'none');
  if (changing.length === 0) {
    return (
      <Alert severity="success" role="note">
        In sync: PagerDuty matches the file, a reconcile would change nothing.
      </Alert>
    );
  }
  const unchanged = plan.changes.filter(change => change.action === 'none');
  return (
    <>
      <Table size="small" aria-label="Changes a reconcile would make">
        <TableHead>
          <TableRow>
            <TableCell>Resource</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Field</TableCell>
            <TableCell>PagerDuty now → from the file</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {changing.flatMap((change, c) =>
            (change.fields.length
              ? change.fields
              : [{ path: '', from: undefined, to: undefined }]
            ).map((field, f) => (
              <TableRow key={`${c}-${f}`}>
                <TableCell>{resourceText(change)}</TableCell>
                <TableCell>{change.action}</TableCell>
                <TableCell>
                  <code>{field.path || '—'}</code>
                </TableCell>
                <TableCell>
                  {field.path
                    ? `${formatValue(field.from)} → ${formatValue(field.to)}`
                    : '—'}
                </TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
      {unchanged.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Already in sync: {unchanged.map(resourceText).join(', ')}.
        </Typography>
      )}
    </>
  );
};
