export * from './conditions';
export { MultivacSamplePolicy } from './MultivacSamplePolicy';
export type {
  IncidentResource,
  MultivacQuery,
  OwnedItem,
  PageResource,
  PostmortemResource,
  ReleaseResource,
} from './resources';
