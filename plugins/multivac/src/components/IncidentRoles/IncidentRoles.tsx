import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  FormControl,
  IconButton,
  InputLabel,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  MenuItem,
  Select,
  Tooltip,
} from '@material-ui/core';
import RemoveIcon from '@material-ui/icons/RemoveCircleOutline';
import {
  Incident,
  IncidentRole,
  INCIDENT_ROLES,
  SINGLE_HOLDER_ROLES,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { EntityRefPicker } from '../EntityRefPicker';

export interface IncidentRolesProps {
  incident: Incident;
  disabled?: boolean;
  onChange: (
    role: IncidentRole,
    userRef: string,
    action: 'assign' | 'remove',
  ) => Promise<void>;
}

/** Who holds which role, and a form to assign or hand one over. */
export const IncidentRoles = ({
  incident,
  disabled,
  onChange,
}: IncidentRolesProps) => {
  const [role, setRole] = useState<IncidentRole>('controller');
  const [user, setUser] = useState<string[]>([]);

  return (
    <InfoCard title="People">
      <List dense>
        {INCIDENT_ROLES.flatMap(r =>
          incident.roles
            .filter(assignment => assignment.role === r)
            .map(assignment => (
              <ListItem key={`${r}:${assignment.userRef}`}>
                <ListItemText
                  primary={
                    <EntityRefLink
                      entityRef={assignment.userRef}
                      defaultKind="user"
                    />
                  }
                  secondary={r}
                />
                <ListItemSecondaryAction>
                  <Tooltip title={`Remove as ${r}`}>
                    <IconButton
                      edge="end"
                      size="small"
                      aria-label={`remove ${assignment.userRef} as ${r}`}
                      disabled={disabled}
                      onClick={() => onChange(r, assignment.userRef, 'remove')}
                    >
                      <RemoveIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                </ListItemSecondaryAction>
              </ListItem>
            )),
        )}
        {incident.roles.length === 0 && (
          <ListItem>
            <ListItemText
              primary="Nobody yet"
              secondary="Assign an incident controller"
            />
          </ListItem>
        )}
      </List>
      <FormControl fullWidth variant="outlined" margin="dense">
        <InputLabel id="multivac-role">Role</InputLabel>
        <Select
          labelId="multivac-role"
          label="Role"
          value={role}
          onChange={e => setRole(e.target.value as IncidentRole)}
        >
          {INCIDENT_ROLES.map(r => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <EntityRefPicker
        id="multivac-role-user"
        label="Person"
        kinds={['User']}
        value={user}
        onChange={setUser}
      />
      <Box mt={1}>
        <Button
          variant="outlined"
          color="primary"
          disabled={disabled || user.length === 0}
          onClick={async () => {
            await onChange(role, user[0], 'assign');
            setUser([]);
          }}
        >
          {SINGLE_HOLDER_ROLES.includes(role)
            ? `Make ${role}`
            : `Add as ${role}`}
        </Button>
      </Box>
    </InfoCard>
  );
};
