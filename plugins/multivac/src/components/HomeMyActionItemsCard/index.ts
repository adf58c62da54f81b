export { HomeMyActionItemsCard } from './HomeMyActionItemsCard';
