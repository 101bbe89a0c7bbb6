#!/usr/bin/env node
/**
 * The deployable app: one environment-agnostic stack with one AppRunnerScheduler, configured from
 * CDK context or a JSON file (see app-config.ts). `npx cdk synth` works with no configuration: it
 * schedules the services tagged apprunner-scheduler:schedule=office-hours.
 */
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppRunnerScheduler } from '../lib';
import { InvalidAppConfigError, readAppConfig } from './app-config';

/** Adds the scheduler stack, configured from the app's context, to `app`. */
export function defineApp(app: App): Stack {
  const config = readAppConfig(app.node.getAllContext());
  const stack = new Stack(app, config.stackName, {
    description: 'Pauses App Runner services out of hours and resumes them in the morning (cdk-apprunner-scheduler)',
  });
  const scheduler = new AppRunnerScheduler(stack, 'Scheduler', config.scheduler);
  if (config.alarmEmail) scheduler.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  addOperatorOutputs(stack, scheduler);
  // A finding that is not fixed or acknowledged with a reason stops the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

/** What a person operating the stack looks up (README, "Operate it"): the names are generated. */
function addOperatorOutputs(stack: Stack, scheduler: AppRunnerScheduler): void {
  const outputs = {
    FunctionName: [scheduler.function.functionName, 'The function to invoke by hand (aws lambda invoke) for a run now or a dry run'],
    LogGroupName: [scheduler.function.logGroup.logGroupName, "The function's log group: one run report per run"],
    ScheduleGroupName: [scheduler.scheduleGroup.scheduleGroupName, 'The EventBridge Scheduler group that holds the pause and resume schedules'],
    DeadLetterQueueUrl: [scheduler.deadLetterQueue.queueUrl, 'Failed runs land here and raise the alarm; purge it to clear the alarm'],
    AlarmTopicArn: [scheduler.alarmTopic.topicArn, 'The topic the failed-run alarm notifies; an e-mail subscription must be confirmed first'],
  };
  for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(stack, id, { value, description });
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
