import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';

export interface AcknowledgePageButtonProps {
  pageId: string;
  disabled?: boolean;
  /** Called after the attempt, refused or not, so the caller reloads. */
  onDone: () => void;
}

/** Acknowledges a page, which stops its escalation; a refusal becomes an alert. */
export const AcknowledgePageButton = ({
  pageId,
  disabled,
  onDone,
}: AcknowledgePageButtonProps) => {
  const api = useApi(multivacApiRef);
  const alertApi = useApi(alertApiRef);
  const [sending, setSending] = useState(false);

  const acknowledge = async () => {
    setSending(true);
    try {
      await api.acknowledgePage(pageId);
    } catch (error) {
      alertApi.post({ message: (error as Error).message, severity: 'error' });
    } finally {
      setSending(false);
    }
    onDone();
  };

  return (
    <Button
      size="small"
      color="primary"
      disabled={disabled || sending}
      onClick={acknowledge}
    >
      Acknowledge
    </Button>
  );
};
