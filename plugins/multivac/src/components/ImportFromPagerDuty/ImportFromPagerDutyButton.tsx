import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Tooltip } from '@material-ui/core';
import { oncallReconcilePermission } from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { ImportFromPagerDutyDialog } from './ImportFromPagerDutyDialog';

const DENIED =
  'You may not import schedules from PagerDuty (multivac.oncall.reconcile).';

/**
 * **Import from PagerDuty**: opens the import dialog; disabled, saying why,
 * for viewers without `multivac.oncall.reconcile`.
 */
export const ImportFromPagerDutyButton = () => {
  const { allowed, loading } = usePermission({
    permission: oncallReconcilePermission,
  });
  const [open, setOpen] = useState(false);
  const button = (
    <Button
      variant="outlined"
      color="primary"
      disabled={!allowed}
      onClick={() => setOpen(true)}
    >
      Import from PagerDuty
    </Button>
  );
  return (
    <>
      {allowed || loading ? (
        button
      ) : (
        // A disabled button fires no events: the span carries the tooltip.
        <Tooltip title={DENIED}>
          <span aria-label={DENIED}>{button}</span>
        </Tooltip>
      )}
      <ImportFromPagerDutyDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
};
