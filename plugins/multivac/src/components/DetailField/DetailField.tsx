import { Box, Typography } from '@material-ui/core';
import { ReactNode } from 'react';

/** A labelled value on a details page; a dash when there is none. */
export const DetailField = ({
  label,
  children,
}: {
  label: string;
  children?: ReactNode;
}) => (
  <Box mb={2}>
    <Typography variant="overline">{label}</Typography>
    <Typography
      variant="body2"
      component="div"
      style={{ whiteSpace: 'pre-wrap' }}
    >
      {children || '—'}
    </Typography>
  </Box>
);
