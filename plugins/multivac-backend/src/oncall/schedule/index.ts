export * from './types';
export {
  escalationChain,
  finalShifts,
  layerShifts,
  nextShift,
  onCallAt,
} from './ScheduleEngine';
export { parseSchedules } from './parseScheduleConfig';
