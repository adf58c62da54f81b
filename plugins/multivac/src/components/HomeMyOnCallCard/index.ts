export { HomeMyOnCallCard } from './HomeMyOnCallCard';
