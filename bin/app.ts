#!/usr/bin/env node
/**
 * The deployable app: one environment-agnostic stack with one AppRunnerScheduler, configured from
 * CDK context or a JSON file (see app-config.ts). `npx cdk synth` works with no configuration: it
 * schedules the services tagged apprunner-scheduler:schedule=office-hours.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppRunnerScheduler } from '../lib';
import { InvalidAppConfigError, readAppConfig } from './app-config';

/** Adds the scheduler stack, configured from the app's context, to `app`. */
export function defineApp(app: App): Stack {
  const config = readAppConfig((key) => app.node.tryGetContext(key));
  const stack = new Stack(app, config.stackName, {
    description: 'Pauses App Runner services out of hours and resumes them in the morning (cdk-apprunner-scheduler)',
  });
  const scheduler = new AppRunnerScheduler(stack, 'Scheduler', config.scheduler);
  if (config.alarmEmail) scheduler.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  // A finding that is not fixed or acknowledged with a reason stops the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

if (require.main === module) {
  try {
    defineApp(new App());
  } catch (error) {
    // A setting someone typed: say which, without a stack trace that points into this file.
    if (!(error instanceof InvalidAppConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
