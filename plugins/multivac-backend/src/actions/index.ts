export { registerMultivacActions } from './registerMultivacActions';
export type { MultivacActionServices } from './registerMultivacActions';
