import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  IMPACT_SCOPE_LABELS,
  IMPACT_SCOPES,
  ImpactScope,
  isLowerSeverity,
  rateSeverity,
  reportRequestSchema,
  SEVERITIES,
  Severity,
  SEVERITY_DESCRIPTIONS,
  SeverityRubric,
  USERS_AFFECTED,
  USERS_AFFECTED_LABELS,
  UsersAffected,
} from '@multivac/plugin-multivac-common';
import { DateTime } from 'luxon';
import { FormEvent, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { z } from 'zod';
import { multivacApiRef } from '../../api/MultivacApi';
import { useValidatedSubmit } from '../../hooks/useValidatedSubmit';
import { reportDetailsRouteRef } from '../../routes';
import { EntityRefPicker } from '../EntityRefPicker';
import { SeverityChip } from '../IncidentChips';
import { DateField } from '../DateField';

/**
 * The shared schema plus the check the server makes with its rubric, so a
 * lowered severity without a reason is named before anything is sent.
 */
function reportSchemaFor(rubric: SeverityRubric | undefined) {
  return reportRequestSchema.superRefine((report, ctx) => {
    if (!rubric || !report.severity) {
      return;
    }
    const rated = rateSeverity(rubric, report).severity;
    if (isLowerSeverity(report.severity, rated) && !report.severityReason) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['severityReason'],
        message: `${report.severity} is lower than the rubric's ${rated}; say why`,
      });
    }
  });
}

/** What the rubric makes of the impact chosen so far. */
const RubricRating = ({
  rubric,
  rating,
}: {
  rubric: { loading: boolean; error?: Error; value?: SeverityRubric };
  rating?: { severity: Severity; reason: string };
}) => {
  if (rubric.loading) {
    return (
      <Typography variant="body2">Loading the severity rubric…</Typography>
    );
  }
  if (!rubric.value) {
    return (
      <Alert severity="warning" role="status">
        The severity rubric could not be loaded ({rubric.error?.message}). The
        server rates the report when you send it.
      </Alert>
    );
  }
  if (!rating) {
    return (
      <Alert severity="info" role="status">
        Say how many users are affected and where, and the severity rubric rates
        the problem.
      </Alert>
    );
  }
  return (
    <Alert severity="info" icon={false} role="status">
      <Typography variant="body2" component="div">
        <SeverityChip severity={rating.severity} /> — {rating.reason}
      </Typography>
      <Typography variant="body2">
        {SEVERITY_DESCRIPTIONS[rating.severity]}
      </Typography>
    </Alert>
  );
};

/** What the form's mistakes call its fields. */
const FIELD_LABELS = {
  title: 'What is broken',
  entityRef: 'Affected service',
  usersAffected: 'Users affected',
  scope: 'Where is it seen',
  region: 'Which region',
  customer: 'Which customer',
  customerFacing: 'Do customers see it',
  severity: 'Severity',
  severityReason: 'Why lower than the rubric',
  startedAt: 'When did it start',
  description: 'Description',
  links: 'Links',
};

/** What the server calls the form's fields where it differs. */
const SERVER_FIELD_NAMES = { entityRefs: 'entityRef' };

type Field = keyof typeof FIELD_LABELS;

/**
 * The triage form. The severity follows the rubric until the reporter picks
 * one; picking a lower one asks why.
 */
export const ReportForm = ({
  defaultEntityRef,
}: {
  defaultEntityRef?: string;
}) => {
  const api = useApi(multivacApiRef);
  const navigate = useNavigate();
  const reportDetailsRoute = useRouteRef(reportDetailsRouteRef);
  const rubric = useAsync(() => api.getSeverityRubric(), [api]);

  const [title, setTitle] = useState('');
  const [entityRefs, setEntityRefs] = useState<string[]>(
    defaultEntityRef ? [defaultEntityRef] : [],
  );
  const [usersAffected, setUsersAffected] = useState<UsersAffected>();
  const [scope, setScope] = useState<ImpactScope>();
  const [region, setRegion] = useState('');
  const [customer, setCustomer] = useState('');
  const [customerFacing, setCustomerFacing] = useState<boolean>();
  const [chosenSeverity, setChosenSeverity] = useState<Severity>();
  const [severityReason, setSeverityReason] = useState('');
  const [startedAt, setStartedAt] = useState('');
  const [description, setDescription] = useState('');
  const [links, setLinks] = useState('');

  const schema = useMemo(() => reportSchemaFor(rubric.value), [rubric.value]);
  const { submit, submitting, fieldErrors } = useValidatedSubmit(
    schema,
    body => api.submitReport(body),
    report => navigate(reportDetailsRoute({ id: report.reference })),
    FIELD_LABELS,
    SERVER_FIELD_NAMES,
  );
  /** A field's mistake, or its usual hint. */
  const mistake = (field: Field) => fieldErrors.fields[field];
  const hint = (field: Field, usual?: string) => ({
    error: !!mistake(field),
    helperText: mistake(field) ?? usual,
  });

  const rating =
    rubric.value && usersAffected && scope
      ? rateSeverity(rubric.value, { usersAffected, scope })
      : undefined;
  const rubricSeverity = rating?.severity;
  const severity = chosenSeverity ?? rubricSeverity;
  const lowered =
    !!severity && !!rubricSeverity && isLowerSeverity(severity, rubricSeverity);

  // A mistake in a field the form does not show (the server's, about a
  // region when the scope is no longer one) is said in the summary instead.
  const hidden = new Set<Field>([
    ...(scope === 'region' ? [] : (['region'] as const)),
    ...(scope === 'customer' ? [] : (['customer'] as const)),
    ...(lowered ? [] : (['severityReason'] as const)),
  ]);
  const withMistakes = (Object.keys(FIELD_LABELS) as Field[]).filter(mistake);
  const marked = withMistakes.filter(field => !hidden.has(field));
  const unmarked = [
    ...withMistakes
      .filter(field => hidden.has(field))
      .map(field => `${FIELD_LABELS[field]}: ${mistake(field)}`),
    ...fieldErrors.other,
  ];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      title,
      description,
      entityRef: entityRefs[0] ?? '',
      // Left unchosen, these reach the schema as missing and it names them.
      usersAffected: usersAffected as UsersAffected,
      scope: scope as ImpactScope,
      customerFacing: customerFacing as boolean,
      region: scope === 'region' ? region : undefined,
      customer: scope === 'customer' ? customer : undefined,
      // datetime-local gives local time without an offset; the API wants one.
      startedAt: startedAt
        ? DateTime.fromISO(startedAt).toISO() ?? startedAt
        : undefined,
      links: links
        .split('\n')
        .map(link => link.trim())
        .filter(Boolean),
      severity,
      severityReason: lowered ? severityReason : undefined,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextField
        id="multivac-report-title"
        label="What is broken?"
        {...hint(
          'title',
          'One line, e.g. “Card payments fail with 502 at checkout”',
        )}
        value={title}
        onChange={e => setTitle(e.target.value)}
        required
        fullWidth
        variant="outlined"
        margin="dense"
        inputProps={{ maxLength: 200 }}
      />
      <EntityRefPicker
        id="multivac-report-entity"
        label="Affected service"
        {...hint('entityRef', 'Whoever is on call for it is paged.')}
        kinds={['Component', 'System', 'Resource', 'API']}
        value={entityRefs}
        onChange={setEntityRefs}
        required
      />
      <TextField
        id="multivac-report-users"
        select
        label="Users affected"
        {...hint('usersAffected')}
        value={usersAffected ?? ''}
        onChange={e => setUsersAffected(e.target.value as UsersAffected)}
        required
        fullWidth
        variant="outlined"
        margin="dense"
      >
        {USERS_AFFECTED.map(users => (
          <MenuItem key={users} value={users}>
            {USERS_AFFECTED_LABELS[users]}
          </MenuItem>
        ))}
      </TextField>
      <FormControl
        component="fieldset"
        margin="dense"
        fullWidth
        required
        error={!!mistake('scope')}
      >
        <FormLabel component="legend">Where is it seen?</FormLabel>
        <RadioGroup
          row
          aria-describedby={
            mistake('scope') ? 'multivac-report-scope-error' : undefined
          }
          value={scope ?? ''}
          onChange={e => setScope(e.target.value as ImpactScope)}
        >
          {IMPACT_SCOPES.map(where => (
            <FormControlLabel
              key={where}
              value={where}
              control={<Radio size="small" />}
              label={IMPACT_SCOPE_LABELS[where]}
            />
          ))}
        </RadioGroup>
        {mistake('scope') && (
          <FormHelperText id="multivac-report-scope-error">
            {mistake('scope')}
          </FormHelperText>
        )}
      </FormControl>
      {scope === 'region' && (
        <TextField
          id="multivac-report-region"
          label="Which region?"
          {...hint('region')}
          value={region}
          onChange={e => setRegion(e.target.value)}
          required
          fullWidth
          variant="outlined"
          margin="dense"
        />
      )}
      {scope === 'customer' && (
        <TextField
          id="multivac-report-customer"
          label="Which customer?"
          {...hint('customer')}
          value={customer}
          onChange={e => setCustomer(e.target.value)}
          required
          fullWidth
          variant="outlined"
          margin="dense"
        />
      )}
      <FormControl
        component="fieldset"
        margin="dense"
        fullWidth
        required
        error={!!mistake('customerFacing')}
      >
        <FormLabel component="legend">Do customers see it?</FormLabel>
        <RadioGroup
          row
          aria-describedby={
            mistake('customerFacing')
              ? 'multivac-report-customer-facing-error'
              : undefined
          }
          value={customerFacing === undefined ? '' : String(customerFacing)}
          onChange={e => setCustomerFacing(e.target.value === 'true')}
        >
          <FormControlLabel
            value="true"
            control={<Radio size="small" />}
            label="Yes, customer-facing"
          />
          <FormControlLabel
            value="false"
            control={<Radio size="small" />}
            label="No, internal only"
          />
        </RadioGroup>
        {mistake('customerFacing') && (
          <FormHelperText id="multivac-report-customer-facing-error">
            {mistake('customerFacing')}
          </FormHelperText>
        )}
      </FormControl>
      <Box my={1}>
        <RubricRating rubric={rubric} rating={rating} />
      </Box>
      <TextField
        id="multivac-report-severity"
        select
        label="Severity"
        {...hint(
          'severity',
          severity
            ? SEVERITY_DESCRIPTIONS[severity]
            : 'The rubric’s, unless you pick one',
        )}
        value={severity ?? ''}
        onChange={e => setChosenSeverity(e.target.value as Severity)}
        fullWidth
        variant="outlined"
        margin="dense"
      >
        {SEVERITIES.map(level => (
          <MenuItem key={level} value={level}>
            {level === rubricSeverity ? `${level} (the rubric’s)` : level}
          </MenuItem>
        ))}
      </TextField>
      {lowered && (
        <TextField
          id="multivac-report-severity-reason"
          label="Why lower than the rubric?"
          {...hint(
            'severityReason',
            `The rubric says ${rubricSeverity}; say why it is less severe.`,
          )}
          value={severityReason}
          onChange={e => setSeverityReason(e.target.value)}
          required
          fullWidth
          multiline
          minRows={2}
          variant="outlined"
          margin="dense"
        />
      )}
      <DateField
        id="multivac-report-started"
        type="datetime-local"
        label="When did it start?"
        {...hint('startedAt', 'Optional; your local time')}
        value={startedAt}
        onChange={setStartedAt}
      />
      <TextField
        id="multivac-report-description"
        label="Description"
        {...hint('description', 'What do users see? What did you try?')}
        value={description}
        onChange={e => setDescription(e.target.value)}
        fullWidth
        multiline
        minRows={3}
        variant="outlined"
        margin="dense"
      />
      <TextField
        id="multivac-report-links"
        label="Links"
        {...hint(
          'links',
          'Dashboards, alerts, screenshots: one full URL per line',
        )}
        value={links}
        onChange={e => setLinks(e.target.value)}
        fullWidth
        multiline
        minRows={2}
        variant="outlined"
        margin="dense"
      />
      {(marked.length > 0 || unmarked.length > 0) && (
        <Box my={1}>
          <Alert severity="error" role="alert">
            {marked.length > 0 && (
              <div>
                Check the marked{' '}
                {marked.length === 1 ? 'field' : `${marked.length} fields`}:{' '}
                {marked.map(field => FIELD_LABELS[field]).join(', ')}.
              </div>
            )}
            {unmarked.map(other => (
              <div key={other}>{other}</div>
            ))}
          </Alert>
        </Box>
      )}
      <Box mt={2}>
        <Button
          type="submit"
          color="secondary"
          variant="contained"
          disabled={submitting}
        >
          Report and page on-call
        </Button>
      </Box>
    </form>
  );
};
