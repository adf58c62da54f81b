export { DigestPage } from './DigestPage';
