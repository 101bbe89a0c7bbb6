export * from './app-runner-scheduler';
export { WeekDay } from './schedule-times';
