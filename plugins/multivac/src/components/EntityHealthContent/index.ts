export { EntityHealthContent, VERDICT_LABELS } from './EntityHealthContent';
