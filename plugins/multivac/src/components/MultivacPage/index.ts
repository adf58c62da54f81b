export { MultivacPage } from './MultivacPage';
