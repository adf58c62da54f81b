export { ReleaseFeedButton } from './ReleaseFeedButton';
