export { HomeActiveIncidentsCard } from './HomeActiveIncidentsCard';
