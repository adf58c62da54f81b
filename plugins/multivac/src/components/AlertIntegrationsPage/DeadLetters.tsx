import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { AlertDeadLetter, multivacApiRef } from '../../api/MultivacApi';
import { formatDateTime } from '../../formatTime';

/** How much of a body the table shows before "show all". */
const BODY_PREVIEW_CHARS = 300;

const columns: TableColumn<AlertDeadLetter>[] = [
  {
    title: 'Received',
    width: '200px',
    render: letter => formatDateTime(letter.receivedAt),
  },
  { title: 'Integration', field: 'integrationId', width: '120px' },
  { title: 'Why it was refused', field: 'error' },
  {
    title: 'Body',
    render: letter =>
      letter.body.length <= BODY_PREVIEW_CHARS ? (
        <code style={{ wordBreak: 'break-all' }}>{letter.body}</code>
      ) : (
        <details>
          <summary>
            <code style={{ wordBreak: 'break-all' }}>
              {letter.body.slice(0, BODY_PREVIEW_CHARS)}…
            </code>
          </summary>
          <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {letter.body}
          </pre>
        </details>
      ),
  },
];

/** Deliveries no adapter could read, kept 7 days: what a format change broke. */
export const DeadLetters = () => {
  const api = useApi(multivacApiRef);
  const { value, loading, error } = useAsync(
    () => api.listAlertDeadLetters(),
    [api],
  );
  if (error) {
    return <ResponseErrorPanel error={error} title="Dead letters" />;
  }
  return (
    <Table<AlertDeadLetter>
      title={value ? `Dead letters (${value.length})` : 'Dead letters'}
      subtitle="Deliveries no adapter could read, kept 7 days"
      columns={columns}
      data={value ?? []}
      isLoading={loading}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          Every delivery of the last 7 days could be read.
        </Typography>
      }
      options={{
        paging: (value?.length ?? 0) > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
    />
  );
};
