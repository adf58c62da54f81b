import Alert from '@material-ui/lab/Alert';
import { ReleaseConflict } from '@multivac/plugin-multivac-common';

/** Each conflict as its sentence: blocking ones as errors, others as warnings. */
export const ReleaseConflictList = ({
  conflicts,
}: {
  conflicts: ReleaseConflict[];
}) => (
  <>
    {conflicts.map((conflict, index) => (
      <Alert
        key={`${conflict.kind}-${index}`}
        severity={conflict.blocking ? 'error' : 'warning'}
        role="status"
        style={{ marginBottom: 4 }}
      >
        {conflict.blocking ? 'Blocks: ' : 'Warning: '}
        {conflict.sentence}
      </Alert>
    ))}
  </>
);
