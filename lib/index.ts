export * from './app-runner-scheduler';
export { WeekDay } from './schedule-times';
export { DeploymentOutcomes, type DeploymentOutcomesProps } from './deployment-outcomes';
