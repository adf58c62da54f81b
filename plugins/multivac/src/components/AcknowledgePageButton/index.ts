export { AcknowledgePageButton } from './AcknowledgePageButton';
export type { AcknowledgePageButtonProps } from './AcknowledgePageButton';
