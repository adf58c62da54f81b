export { ReleaseCalendarPage } from './ReleaseCalendarPage';
