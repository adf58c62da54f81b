export { EntityInsightsCard } from './EntityInsightsCard';
