import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Button,
  Checkbox,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import {
  ActionItemStatus,
  CreateActionItemRequest,
  PostmortemActionItem,
  UpdateActionItemRequest,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { TrackerIssue } from '../TrackerIssue';
import { ActionItemDialog } from './ActionItemDialog';

export interface ActionItemsCardProps {
  items: PostmortemActionItem[];
  canEdit: boolean;
  /**
   * Published: no adding, editing or deleting (the controls are hidden);
   * items are still marked done, as follow-up goes on.
   */
  readOnly?: boolean;
  /** While a change runs. */
  disabled?: boolean;
  /** From the dialog: reject with the server's reason, which it shows. */
  onAdd: (item: CreateActionItemRequest) => Promise<void>;
  onEdit: (
    item: PostmortemActionItem,
    changes: UpdateActionItemRequest,
  ) => Promise<void>;
  /** From the row's buttons: the page reports failures. */
  onSetStatus: (item: PostmortemActionItem, status: ActionItemStatus) => void;
  onDelete: (item: PostmortemActionItem) => void;
}

type DialogState =
  | { open: false }
  | { open: true; item?: PostmortemActionItem };

/** What the team will do so it does not happen again: owners, due dates, issues. */
export const ActionItemsCard = ({
  items,
  canEdit,
  readOnly = false,
  disabled,
  onAdd,
  onEdit,
  onSetStatus,
  onDelete,
}: ActionItemsCardProps) => {
  const [dialog, setDialog] = useState<DialogState>({ open: false });
  const locked = !canEdit || disabled;
  const tracked = items.some(item => item.tracking);

  return (
    <InfoCard
      title="Action items"
      action={
        readOnly ? undefined : (
          <Button
            color="primary"
            startIcon={<AddIcon />}
            disabled={locked}
            onClick={() => setDialog({ open: true })}
          >
            Add action item
          </Button>
        )
      }
    >
      {items.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No action items yet: what would stop this from happening again, or
          find it sooner?
        </Typography>
      ) : (
        <Table size="small" aria-label="action items">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" style={{ whiteSpace: 'nowrap' }}>
                Done
              </TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Due</TableCell>
              {tracked && <TableCell>Issue</TableCell>}
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(item => (
              <TableRow key={item.id}>
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={item.status === 'done'}
                    disabled={locked}
                    inputProps={{ 'aria-label': `Done: ${item.title}` }}
                    onChange={e =>
                      onSetStatus(item, e.target.checked ? 'done' : 'open')
                    }
                  />
                </TableCell>
                <TableCell
                  style={
                    item.status === 'done'
                      ? { textDecoration: 'line-through' }
                      : undefined
                  }
                >
                  {item.title}
                </TableCell>
                <TableCell>
                  {item.ownerRef ? (
                    <EntityRefLink
                      entityRef={item.ownerRef}
                      defaultKind="user"
                    />
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>{item.dueDate ?? '—'}</TableCell>
                {tracked && (
                  <TableCell>
                    {item.tracking && <TrackerIssue tracking={item.tracking} />}
                  </TableCell>
                )}
                <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                  {!readOnly && (
                    <>
                      <IconButton
                        size="small"
                        aria-label={`Edit: ${item.title}`}
                        disabled={locked}
                        onClick={() => setDialog({ open: true, item })}
                      >
                        <EditIcon fontSize="small" />
                      </IconButton>
                      <IconButton
                        size="small"
                        aria-label={`Delete: ${item.title}`}
                        disabled={locked}
                        onClick={() => onDelete(item)}
                      >
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <ActionItemDialog
        open={dialog.open}
        item={dialog.open ? dialog.item : undefined}
        onClose={() => setDialog({ open: false })}
        onAdd={onAdd}
        onUpdate={onEdit}
      />
    </InfoCard>
  );
};
