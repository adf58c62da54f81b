import { useApi } from '@backstage/core-plugin-api';
import {
  Checkbox,
  Dialog,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Grid,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  checkReleaseSchema,
  createReleaseSchema,
  MAX_RELEASE_REASON_LENGTH,
  ReleaseCheckResult,
  ReleaseEnvironment,
  ReleaseLink,
} from '@multivac/plugin-multivac-common';
import { FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import {
  CheckedRelease,
  multivacApiRef,
  ReleaseBlockedError,
} from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { EntityRefPicker } from '../EntityRefPicker';
import { FilterSelect } from '../FilterSelect';
import { ReleaseConflictList } from '../ReleaseParts';
import { FormDialogActions } from '../FormDialogActions';
import { DateField } from '../DateField';

const CHECK_DELAY_MS = 400;

export interface BookReleaseDialogProps {
  open: boolean;
  onClose: () => void;
  onBooked: (release: CheckedRelease) => void;
  environments: ReleaseEnvironment[];
  /** Pre-filled entity, e.g. the entity whose page this is. */
  defaultEntityRef?: string;
}

/** A `datetime-local` value (the user's time zone) as an ISO time in UTC. */
function toIso(local: string): string | undefined {
  if (!local) {
    return undefined;
  }
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

/** A time as a `datetime-local` value in the user's time zone. */
function toLocalInput(time: Date): string {
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The next full hour, for 30 minutes. */
function defaultWindow() {
  const start = new Date();
  start.setHours(start.getHours() + 1, 0, 0, 0);
  const end = new Date(start.getTime() + 30 * 60_000);
  return { start: toLocalInput(start), end: toLocalInput(end) };
}

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  entityRef: 'What is released',
  title: 'Version or title',
  environment: 'Environment',
  start: 'Start',
  end: 'End',
  notes: 'Notes',
  'force.reason': 'Why it may go ahead',
  status: 'Record as done',
  reason: 'Why it is recorded after the fact',
};

/**
 * "Book a release": checks the window for conflicts while it is filled in,
 * and books past blocking ones only with a recorded reason.
 */
export const BookReleaseDialog = (props: BookReleaseDialogProps) => {
  const { open, onClose, onBooked, environments, defaultEntityRef } = props;
  const api = useApi(multivacApiRef);
  const [entityRefs, setEntityRefs] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [environment, setEnvironment] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [ciUrl, setCiUrl] = useState('');
  const [changelogUrl, setChangelogUrl] = useState('');
  const [notes, setNotes] = useState('');
  const [forcing, setForcing] = useState(false);
  const [reason, setReason] = useState('');
  const [recordingDone, setRecordingDone] = useState(false);
  const [doneReason, setDoneReason] = useState('');
  const [check, setCheck] = useState<ReleaseCheckResult>();
  const [checkError, setCheckError] = useState<string>();

  const book = useCallback(
    async (body: Parameters<typeof api.createRelease>[0]) => {
      try {
        return await api.createRelease(body);
      } catch (error) {
        if (error instanceof ReleaseBlockedError) {
          setCheck({ conflicts: error.conflicts, blocked: true });
        }
        throw error;
      }
    },
    [api],
  );
  const { submit, submitting, error, setError } = useValidatedSubmit(
    createReleaseSchema,
    book,
    onBooked,
    useMemo(
      () => ({
        ...FIELD_LABELS,
        // The links list holds the filled-in URLs, the CI run's first.
        'links.0.url': ciUrl.trim() ? 'CI run URL' : 'Changelog URL',
        'links.1.url': 'Changelog URL',
      }),
      [ciUrl],
    ),
  );

  const firstEnvironment = environments[0]?.id ?? '';
  useEffect(() => {
    if (open) {
      const window = defaultWindow();
      setEntityRefs(defaultEntityRef ? [defaultEntityRef] : []);
      setTitle('');
      setEnvironment(firstEnvironment);
      setStart(window.start);
      setEnd(window.end);
      setCiUrl('');
      setChangelogUrl('');
      setNotes('');
      setForcing(false);
      setReason('');
      setRecordingDone(false);
      setDoneReason('');
      setCheck(undefined);
      setCheckError(undefined);
      setError(undefined);
    }
  }, [open, defaultEntityRef, firstEnvironment, setError]);

  const proposal = {
    entityRef: entityRefs[0] ?? '',
    environment,
    start: toIso(start) ?? '',
    end: toIso(end) ?? '',
  };
  useDebounce(
    () => {
      if (!open || !checkReleaseSchema.safeParse(proposal).success) {
        setCheck(undefined);
        return;
      }
      api.checkRelease(proposal).then(
        result => {
          setCheck(result);
          setCheckError(undefined);
        },
        (err: Error) => setCheckError(err.message),
      );
    },
    CHECK_DELAY_MS,
    [open, api, ...Object.values(proposal)],
  );

  // A window that has ended is not booked; a release that already
  // happened is recorded as done, with a reason.
  const ended = proposal.end !== '' && Date.parse(proposal.end) <= Date.now();
  const blocked = !ended && (check?.blocked ?? false);
  const mayBook = ended
    ? recordingDone && doneReason.trim() !== ''
    : !blocked || (forcing && reason.trim() !== '');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const links: ReleaseLink[] = [
      ...(ciUrl.trim() ? [{ kind: 'ci' as const, url: ciUrl.trim() }] : []),
      ...(changelogUrl.trim()
        ? [{ kind: 'changelog' as const, url: changelogUrl.trim() }]
        : []),
    ];
    submit({
      entityRef: proposal.entityRef,
      title,
      environment,
      start: toIso(start) ?? '',
      end: toIso(end) ?? '',
      links,
      notes,
      ...(blocked && forcing ? { force: { reason } } : {}),
      ...(ended && recordingDone
        ? { status: 'done' as const, reason: doneReason }
        : {}),
    });
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle>Book a release</DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" role="alert" style={{ marginBottom: 8 }}>
              {error}
            </Alert>
          )}
          <EntityRefPicker
            id="multivac-release-entity"
            label="What is released"
            kinds={['Component', 'Resource', 'API', 'System']}
            value={entityRefs}
            onChange={setEntityRefs}
            required
          />
          <Grid container spacing={1}>
            <Grid item xs={7}>
              <TextField
                id="multivac-release-title"
                label="Version or title"
                placeholder="v2.4.1"
                value={title}
                onChange={e => setTitle(e.target.value)}
                required
                fullWidth
                variant="outlined"
                margin="dense"
                inputProps={{ maxLength: 200 }}
              />
            </Grid>
            <Grid item xs={5}>
              <FilterSelect
                id="multivac-release-environment"
                label="Environment"
                value={environment}
                onChange={setEnvironment}
                options={environments.map(env => ({
                  value: env.id,
                  label: `${env.id} (${
                    env.policy === 'block' ? 'conflicts block' : 'warns'
                  })`,
                }))}
              />
            </Grid>
            <Grid item xs={6}>
              <DateField
                id="multivac-release-start"
                label="Start"
                type="datetime-local"
                value={start}
                onChange={setStart}
                required
              />
            </Grid>
            <Grid item xs={6}>
              <DateField
                id="multivac-release-end"
                label="End"
                type="datetime-local"
                value={end}
                onChange={setEnd}
                required
              />
            </Grid>
          </Grid>
          <Typography variant="caption" color="textSecondary">
            Times are in your time zone (
            {new Intl.DateTimeFormat().resolvedOptions().timeZone}).
          </Typography>
          {ended && (
            <>
              <Alert severity="warning" role="status">
                This window has already ended, so it cannot be booked. A release
                that already happened can be recorded as done, with a reason.
              </Alert>
              <FormControlLabel
                control={
                  <Checkbox
                    checked={recordingDone}
                    onChange={e => setRecordingDone(e.target.checked)}
                  />
                }
                label="Record it as done (it already happened)"
              />
              {recordingDone && (
                <TextField
                  id="multivac-release-done-reason"
                  label="Why it is recorded after the fact"
                  helperText="Recorded with your name in its history"
                  value={doneReason}
                  onChange={e => setDoneReason(e.target.value)}
                  inputProps={{ maxLength: MAX_RELEASE_REASON_LENGTH }}
                  required
                  fullWidth
                  variant="outlined"
                  margin="dense"
                />
              )}
            </>
          )}
          <section aria-label="Conflicts" aria-live="polite">
            {checkError && (
              <Alert severity="info" role="status">
                Could not check for conflicts: {checkError}
              </Alert>
            )}
            {check && check.conflicts.length === 0 && (
              <Alert severity="success" role="status">
                No conflicts in this window.
              </Alert>
            )}
            {check && <ReleaseConflictList conflicts={check.conflicts} />}
          </section>
          {blocked && (
            <>
              <FormControlLabel
                control={
                  <Checkbox
                    checked={forcing}
                    onChange={e => setForcing(e.target.checked)}
                  />
                }
                label="Release anyway"
              />
              {forcing && (
                <TextField
                  id="multivac-release-force-reason"
                  label="Why it may go ahead despite the conflicts"
                  helperText="Recorded with your name and the conflicts"
                  value={reason}
                  onChange={e => setReason(e.target.value)}
                  required
                  fullWidth
                  variant="outlined"
                  margin="dense"
                />
              )}
            </>
          )}
          <TextField
            id="multivac-release-ci"
            label="CI run URL"
            value={ciUrl}
            onChange={e => setCiUrl(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <TextField
            id="multivac-release-changelog"
            label="Changelog URL"
            value={changelogUrl}
            onChange={e => setChangelogUrl(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <TextField
            id="multivac-release-notes"
            label="Notes"
            value={notes}
            onChange={e => setNotes(e.target.value)}
            fullWidth
            multiline
            minRows={2}
            variant="outlined"
            margin="dense"
          />
        </DialogContent>
        <FormDialogActions
          onCancel={onClose}
          submitLabel={
            (ended && 'Record as done') || (blocked ? 'Book anyway' : 'Book')
          }
          disabled={submitting || !mayBook}
        />
      </form>
    </Dialog>
  );
};
