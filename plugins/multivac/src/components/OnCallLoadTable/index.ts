export { OnCallLoadTable, ONCALL_LOAD_DEFINITIONS } from './OnCallLoadTable';
export type { OnCallLoadTableProps } from './OnCallLoadTable';
