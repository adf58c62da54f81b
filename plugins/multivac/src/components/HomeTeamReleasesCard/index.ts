export { HomeTeamReleasesCard } from './HomeTeamReleasesCard';
