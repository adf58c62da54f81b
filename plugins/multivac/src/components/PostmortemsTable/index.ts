export { PostmortemsTable } from './PostmortemsTable';
export type { PostmortemsTableProps } from './PostmortemsTable';
export { DueDate } from './DueDate';
