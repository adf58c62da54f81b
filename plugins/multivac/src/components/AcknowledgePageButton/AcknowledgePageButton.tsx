import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { pageAcknowledgePermission } from '@multivac/plugin-multivac-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { createContext, ReactNode, useContext, useState } from 'react';
import { multivacApiRef } from '../../api/MultivacApi';

export interface AcknowledgePageButtonProps {
  pageId: string;
  /** Called after the attempt, refused or not, so the caller reloads. */
  onDone: () => void;
}

/**
 * The pages the viewer may acknowledge, as the server decided them for a
 * view that loaded its pages with the decisions (the on-call card), by id.
 */
const AcknowledgeDecisions = createContext<ReadonlySet<string> | undefined>(
  undefined,
);

/**
 * Gives the Acknowledge buttons below the server's decisions, so that they
 * do not ask the permission backend one by one. A page not in `pageIds`
 * shows its button disabled.
 */
export const AcknowledgeDecisionsProvider = (props: {
  pageIds: string[];
  children?: ReactNode;
}) => (
  <AcknowledgeDecisions.Provider value={new Set(props.pageIds)}>
    {props.children}
  </AcknowledgeDecisions.Provider>
);

const AcknowledgeButton = ({
  pageId,
  onDone,
  allowed,
}: AcknowledgePageButtonProps & { allowed: boolean }) => {
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

const AskingAcknowledgeButton = (props: AcknowledgePageButtonProps) => {
  const { allowed } = usePermission({
    permission: pageAcknowledgePermission,
    resourceRef: props.pageId,
  });
  return <AcknowledgeButton {...props} allowed={allowed} />;
};

/**
 * Acknowledges a page, which stops its escalation; disabled unless the
 * policy lets this user acknowledge this page (its target, say): as decided
 * by the server for the view (AcknowledgeDecisionsProvider), else asked
 * here. A refusal becomes an alert.
 */
export const AcknowledgePageButton = (props: AcknowledgePageButtonProps) => {
  const decided = useContext(AcknowledgeDecisions);
  if (decided) {
    return <AcknowledgeButton {...props} allowed={decided.has(props.pageId)} />;
  }
  return <AskingAcknowledgeButton {...props} />;
};
