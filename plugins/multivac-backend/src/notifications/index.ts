export { NotificationsSubscriber } from './NotificationsSubscriber';
export type { PageLink } from './NotificationsSubscriber';
export { notificationsEnabled } from './settings';
export { notificationSeverity, scopes } from './payloads';
export { createNotifications, pageLink } from './createNotifications';
