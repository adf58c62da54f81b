export { SchedulePagerDutyCard } from './SchedulePagerDutyCard';
