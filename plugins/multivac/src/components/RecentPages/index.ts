export { RecentPages } from './RecentPages';
