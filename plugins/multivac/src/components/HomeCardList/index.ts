export { HomeCardList } from './HomeCardList';
export type { HomeCardLine } from './HomeCardList';
