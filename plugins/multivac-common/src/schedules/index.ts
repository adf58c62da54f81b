export * from './types';
export * from './parseSchedules';
export * from './entity';
