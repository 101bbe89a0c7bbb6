export * from './app-runner-scheduler';
export { WeekDay } from './schedule-times';
export { DeploymentOutcomes, type DeploymentOutcomesProps } from './deployment-outcomes';
export { AppRunnerSchedulerMemberRole, SchedulerAction, type AppRunnerSchedulerMemberAccessOptions, type AppRunnerSchedulerMemberRoleProps } from './member-role';
export { AppRunnerSchedulerMemberStackSet, StackSetCallAs, type AppRunnerSchedulerMemberStackSetProps } from './member-stack-set';
