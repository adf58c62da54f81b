import { Typography } from '@material-ui/core';

/** A due date (YYYY-MM-DD), in red with "overdue" once it has passed. */
export const DueDate = ({
  dueDate,
  overdue,
}: {
  dueDate: string;
  overdue: boolean;
}) => (
  <Typography
    variant="body2"
    component="span"
    color={overdue ? 'error' : 'inherit'}
    style={overdue ? { fontWeight: 600 } : undefined}
  >
    {overdue ? `${dueDate} (overdue)` : dueDate}
  </Typography>
);
