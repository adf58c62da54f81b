export {
  AcknowledgePageButton,
  AcknowledgeDecisionsProvider,
} from './AcknowledgePageButton';
export type { AcknowledgePageButtonProps } from './AcknowledgePageButton';
