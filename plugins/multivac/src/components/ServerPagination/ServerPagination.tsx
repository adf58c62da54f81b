import { TablePagination } from '@material-ui/core';

export interface ServerPaginationProps {
  page: number;
  pageSize: number;
  totalCount: number;
  onPageChange: (page: number) => void;
}

/** Pages through a list that the server pages; hidden when one page holds it all. */
export const ServerPagination = ({
  page,
  pageSize,
  totalCount,
  onPageChange,
}: ServerPaginationProps) =>
  totalCount > pageSize ? (
    <TablePagination
      component="div"
      count={totalCount}
      page={page}
      rowsPerPage={pageSize}
      rowsPerPageOptions={[pageSize]}
      onPageChange={(_e, next) => onPageChange(next)}
    />
  ) : null;
