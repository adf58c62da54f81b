export * from './releaseDisplay';
export { ReleaseStatusChip } from './ReleaseStatusChip';
export { ReleaseConflictList } from './ReleaseConflictList';
