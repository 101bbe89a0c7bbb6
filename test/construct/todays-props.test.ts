/**
 * Upgrading replaces nothing: a stack built from today's single-schedule props synthesizes the very
 * template it did before named schedules existed. The templates in todays-props/ were written by the
 * construct as it was then (commit 5e0f042); asset hashes do not count. `TODAYS_PROPS_UPDATE=1`
 * writes them again, which only a deliberate, documented change of today's templates may do.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AppRunnerScheduler, DeployAfterResume, WeekDay, type AppRunnerSchedulerProps } from '../../lib';
import { WEB_API_ARN, WORKER_ARN } from './fixtures';

const FIXTURE_DIR = path.join(__dirname, 'todays-props');
const UPDATE = process.env.TODAYS_PROPS_UPDATE === '1';

/** Today's props, one configuration for each branch of the construct the props lead to. */
const CONFIGURATIONS: Record<string, (stack: Stack) => AppRunnerSchedulerProps> = {
  'listed-services': () => ({ services: [WEB_API_ARN, WORKER_ARN], pauseAt: '19:00', resumeAt: '07:00' }),
  'tags-and-topic': (stack) => ({
    tags: { env: 'dev', team: 'web' },
    regions: ['eu-west-1', 'us-east-1'],
    timeZone: TimeZone.EUROPE_LONDON,
    pauseAt: '19:30',
    resumeAt: '07:15',
    weekDays: [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY],
    holidays: ['2026-12-25'],
    deployAfterResume: DeployAfterResume.ALWAYS,
    resumeManuallyPaused: true,
    summaryTopic: new sns.Topic(stack, 'Summary'),
  }),
  'pause-expression-dry-run': () => ({
    services: [WEB_API_ARN],
    tags: { env: 'sandbox' },
    pauseSchedule: scheduler.ScheduleExpression.rate(Duration.hours(12)),
    dryRun: true,
    enabled: false,
    dashboard: false,
  }),
};

function synthesize(name: string): unknown {
  const stack = new Stack(new App(), 'Stack');
  new AppRunnerScheduler(stack, 'Scheduler', CONFIGURATIONS[name](stack));
  const template = Template.fromStack(stack).toJSON();
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset hash>'));
}

function fixture(name: string): { Resources: Record<string, { Type: string }> } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, `${name}.template.json`), 'utf8'));
}

describe.each(Object.keys(CONFIGURATIONS))("a scheduler of today's props (%s)", (name) => {
  let template: { Resources: Record<string, { Type: string }> };

  beforeAll(() => {
    template = synthesize(name) as typeof template;
    if (UPDATE) fs.writeFileSync(path.join(FIXTURE_DIR, `${name}.template.json`), `${JSON.stringify(template, null, 1)}\n`);
  });

  it('keeps the logical ID and type of every resource', () => {
    const ids = (t: typeof template) => Object.entries(t.Resources).map(([id, resource]) => `${id} ${resource.Type}`).sort();
    expect(ids(template)).toEqual(ids(fixture(name)));
  });

  it('synthesizes the template it did before named schedules', () => {
    expect(template).toEqual(fixture(name));
  });
});
