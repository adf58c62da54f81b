export { ServerPagination } from './ServerPagination';
export type { ServerPaginationProps } from './ServerPagination';
