import { useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { incidentCreatePermission } from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { incidentRouteRef } from '../../routes';
import { DeclareIncidentDialog } from '../DeclareIncidentDialog';

export interface DeclareIncidentButtonProps {
  /** Pre-filled affected entities. */
  defaultEntityRefs?: string[];
}

/**
 * "Declare incident": opens the dialog and, once declared, goes to the new
 * incident's page. Disabled when the permission policy denies declaring.
 */
export const DeclareIncidentButton = ({
  defaultEntityRefs,
}: DeclareIncidentButtonProps) => {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const incidentRoute = useRouteRef(incidentRouteRef);
  const { allowed } = usePermission({ permission: incidentCreatePermission });

  return (
    <>
      <Button
        variant="contained"
        color="primary"
        startIcon={<AddIcon />}
        disabled={!allowed}
        onClick={() => setOpen(true)}
      >
        Declare incident
      </Button>
      <DeclareIncidentDialog
        open={open}
        onClose={() => setOpen(false)}
        defaultEntityRefs={defaultEntityRefs}
        onDeclared={incident => {
          setOpen(false);
          navigate(incidentRoute({ id: incident.reference }));
        }}
      />
    </>
  );
};
