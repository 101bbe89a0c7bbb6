export * from './app-runner-scheduler';
