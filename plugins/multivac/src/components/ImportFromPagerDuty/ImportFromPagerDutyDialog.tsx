import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { multivacApiRef, PagerDutyImportResult } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FormDialogActions } from '../FormDialogActions';

/** What the import asks for, checked before anything is sent. */
export const importRequestSchema = z.object({
  scheduleId: z.string().trim().min(1, 'must not be empty'),
  escalationPolicyId: z.string().trim().min(1).optional(),
  owner: z.string().min(1, 'pick the Group that owns the schedule'),
  name: z
    .string()
    .trim()
    .refine(
      KubernetesValidatorFunctions.isValidObjectName,
      'must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    ),
});

const FIELD_LABELS = {
  scheduleId: 'PagerDuty schedule id',
  escalationPolicyId: 'Escalation policy id',
  owner: 'Owner',
  name: 'Name',
};

const GROUP_KINDS = ['Group'];

/** The file name the "Put a team on call" template gives a schedule. */
export const SCHEDULE_FILE_NAME = 'catalog-info-oncall.yaml';

const Imported = ({ result }: { result: PagerDutyImportResult }) => (
  <>
    <DialogContentText>
      This is the schedule as PagerDuty has it, as a Multivac Schedule entity.
      Save it as <code>{SCHEDULE_FILE_NAME}</code> in the team&apos;s
      repository, next to its <code>catalog-info.yaml</code>, and open a pull
      request: once merged, the catalog reads it with the rest of the
      team&apos;s entities. The file carries{' '}
      <code>pagerduty.com/reconcile: &apos;true&apos;</code>, so from then on
      Multivac keeps the same PagerDuty schedule and escalation policy in line
      with it: change the rotation in the file, not in PagerDuty. A team
      starting without PagerDuty uses the <strong>Put a team on call</strong>{' '}
      template instead, which opens that pull request for it.
    </DialogContentText>
    <Box display="flex" alignItems="flex-start">
      <TextField
        id="multivac-import-yaml"
        label={SCHEDULE_FILE_NAME}
        value={result.yaml}
        multiline
        fullWidth
        variant="outlined"
        InputProps={{
          readOnly: true,
          style: { fontFamily: 'monospace', fontSize: 13 },
        }}
      />
      <CopyTextButton
        text={result.yaml}
        tooltipText="Schedule file copied"
        aria-label="Copy the schedule file"
      />
    </Box>
  </>
);

export interface ImportFromPagerDutyDialogProps {
  open: boolean;
  onClose: () => void;
}

/**
 * Turns an existing PagerDuty schedule (and escalation policy) into a
 * Schedule entity file: asks for the PagerDuty ids, the owner Group and
 * the entity's name, names a wrong field beside it (the form's check or
 * the backend's), then shows the YAML with a copy button and where it goes.
 */
export const ImportFromPagerDutyDialog = ({
  open,
  onClose,
}: ImportFromPagerDutyDialogProps) => {
  const api = useApi(multivacApiRef);
  const [scheduleId, setScheduleId] = useState('');
  const [escalationPolicyId, setEscalationPolicyId] = useState('');
  const [owner, setOwner] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [result, setResult] = useState<PagerDutyImportResult>();
  const send = useCallback(
    (request: z.output<typeof importRequestSchema>) =>
      api.importPagerDutySchedule(request),
    [api],
  );
  const { submit, submitting, setError, fieldErrors } = useValidatedSubmit(
    importRequestSchema,
    send,
    setResult,
    FIELD_LABELS,
  );

  useEffect(() => {
    if (open) {
      setResult(undefined);
      setError(undefined);
    }
  }, [open, setError]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      scheduleId,
      escalationPolicyId: escalationPolicyId.trim() || undefined,
      owner: owner[0] ?? '',
      name,
    });
  };

  const mistakes = fieldErrors.fields as Partial<
    Record<keyof typeof FIELD_LABELS, string>
  >;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="multivac-import-title"
    >
      <DialogTitle id="multivac-import-title">
        Import a schedule from PagerDuty
      </DialogTitle>
      {result ? (
        <>
          <DialogContent>
            <Imported result={result} />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setResult(undefined)}>Import another</Button>
            <Button color="primary" variant="contained" onClick={onClose}>
              Done
            </Button>
          </DialogActions>
        </>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <DialogContent>
            <DialogContentText>
              A team already on PagerDuty onboards without retyping: Multivac
              reads the schedule (its layers, members, rotation and
              restrictions) and its escalation policy from PagerDuty and writes
              them as a Schedule file. Nothing in PagerDuty changes.
            </DialogContentText>
            {fieldErrors.other.length > 0 && (
              <Alert severity="error" role="alert">
                {fieldErrors.other.join('; ')}
              </Alert>
            )}
            <TextField
              id="multivac-import-schedule-id"
              label="PagerDuty schedule id"
              placeholder="P1AB2CD"
              value={scheduleId}
              onChange={e => setScheduleId(e.target.value)}
              required
              fullWidth
              variant="outlined"
              margin="dense"
              error={Boolean(mistakes.scheduleId)}
              helperText={
                mistakes.scheduleId ??
                'From the schedule’s address in PagerDuty: …/schedules/P1AB2CD'
              }
            />
            <TextField
              id="multivac-import-escalation-policy-id"
              label="Escalation policy id (optional)"
              value={escalationPolicyId}
              onChange={e => setEscalationPolicyId(e.target.value)}
              fullWidth
              variant="outlined"
              margin="dense"
              error={Boolean(mistakes.escalationPolicyId)}
              helperText={
                mistakes.escalationPolicyId ??
                'Its levels become the escalation of the file'
              }
            />
            <EntityRefPicker
              id="multivac-import-owner"
              label="Owner"
              kinds={GROUP_KINDS}
              value={owner}
              onChange={setOwner}
              required
              error={Boolean(mistakes.owner)}
              helperText={mistakes.owner ?? 'The team that owns the schedule'}
            />
            <TextField
              id="multivac-import-name"
              label="Name"
              placeholder="payments-primary"
              value={name}
              onChange={e => setName(e.target.value)}
              required
              fullWidth
              variant="outlined"
              margin="dense"
              error={Boolean(mistakes.name)}
              helperText={
                mistakes.name ?? 'The Schedule entity’s name in the catalog'
              }
            />
          </DialogContent>
          <FormDialogActions
            onCancel={onClose}
            submitLabel="Import"
            disabled={submitting}
          />
        </form>
      )}
    </Dialog>
  );
};
