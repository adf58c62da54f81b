import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { pageAcknowledgePermission } from '@multivac/plugin-multivac-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';

export interface AcknowledgePageButtonProps {
  pageId: string;
  /** Called after the attempt, refused or not, so the caller reloads. */
  onDone: () => void;
}

/**
 * Acknowledges a page, which stops its escalation; disabled unless the
 * policy lets this user acknowledge this page (its target, say); a refusal
 * becomes an alert.
 */
export const AcknowledgePageButton = ({
  pageId,
  onDone,
}: AcknowledgePageButtonProps) => {
  const { allowed } = usePermission({
    permission: pageAcknowledgePermission,
    resourceRef: pageId,
  });
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
      disabled={!allowed || sending}
      onClick={acknowledge}
    >
      Acknowledge
    </Button>
  );
};
