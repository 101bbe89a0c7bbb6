/**
 * The dashboard and the notification alarm in the template: the dashboard's widgets by title and by
 * metric, its name left to CloudFormation, `dashboard: false`; the alarm on notifications that could
 * not be sent; and that the function may publish to the summary topic and to no other.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ACTION_DIMENSION, METRICS_NAMESPACE, RUN_METRICS, SCHEDULER_DIMENSION, SCHEDULER_METRICS } from '../../contract/metric-names';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { DASHBOARD_WIDGETS, MONTH_RANGE, TOTAL_RANGE } from '../../lib/dashboard';
import { MINIMAL_PROPS, synthScheduler } from './fixtures';

interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: unknown[][];
    readonly query?: string;
    readonly start?: string;
    readonly setPeriodToTimeRange?: boolean;
  };
}

/** The widgets of the template's one dashboard, its body's tokens resolved to plain text where they can be. */
function dashboardWidgets(stack: Stack): Widget[] {
  const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  expect(Object.keys(dashboards)).toHaveLength(1);
  const body = stack.resolve(Object.values(dashboards)[0].Properties.DashboardBody) as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'"))).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

function widget(widgets: readonly Widget[], title: string): Widget {
  const found = widgets.find((w) => w.properties.title === title);
  if (!found) throw new Error(`no widget titled ${title}: ${widgets.map((w) => w.properties.title).join(', ')}`);
  return found;
}

/** The metric names a widget shows, with their dimensions as name/value pairs. */
function metricsOf(w: Widget): { name: string; dimensions: Record<string, unknown> }[] {
  return (w.properties.metrics ?? [])
    .filter((m) => m[0] === METRICS_NAMESPACE)
    .map((m) => {
      const dims = m.slice(2).filter((x) => typeof x !== 'object');
      const dimensions: Record<string, unknown> = {};
      for (let i = 0; i + 1 < dims.length; i += 2) dimensions[dims[i] as string] = dims[i + 1];
      return { name: m[1] as string, dimensions };
    });
}

function synth(props: AppRunnerSchedulerProps = MINIMAL_PROPS): Stack {
  return synthScheduler(props).stack;
}

describe('dashboard', () => {
  test('shows what is paused now, the savings over 30 days and in total, and hours paused, as single values', () => {
    const widgets = dashboardWidgets(synth());

    expect(metricsOf(widget(widgets, DASHBOARD_WIDGETS.pausedNow))).toEqual([{ name: SCHEDULER_METRICS.servicesPausedNow, dimensions: { Scheduler: 'Stack/Scheduler' } }]);
    for (const [title, start] of [
      [DASHBOARD_WIDGETS.savedThisMonth, MONTH_RANGE],
      [DASHBOARD_WIDGETS.savedInTotal, TOTAL_RANGE],
    ]) {
      const single = widget(widgets, title);
      expect(single.properties).toMatchObject({ start, setPeriodToTimeRange: true });
      expect(metricsOf(single)).toEqual([{ name: RUN_METRICS.amountSaved, dimensions: { Scheduler: 'Stack/Scheduler', Action: 'resume' } }]);
    }
    expect(metricsOf(widget(widgets, DASHBOARD_WIDGETS.hoursPaused)).map((m) => m.name)).toEqual([RUN_METRICS.hoursPaused]);
  });

  test("graphs the last runs' outcomes and the failures, failed deployments included", () => {
    const widgets = dashboardWidgets(synth());

    expect(metricsOf(widget(widgets, DASHBOARD_WIDGETS.outcomes)).map((m) => `${m.name} ${m.dimensions.Action}`)).toEqual([
      'ServicesPaused pause',
      'ServicesResumed resume',
      'ServicesDeployed resume',
      'ServicesSkipped pause',
      'ServicesSkipped resume',
      'ServicesFailed pause',
      'ServicesFailed resume',
    ]);
    expect(metricsOf(widget(widgets, DASHBOARD_WIDGETS.failures)).map((m) => m.name)).toEqual([
      RUN_METRICS.servicesFailed,
      RUN_METRICS.servicesFailed,
      SCHEDULER_METRICS.deploymentsFailed,
      SCHEDULER_METRICS.notificationsFailed,
    ]);
    expect(JSON.stringify(widget(widgets, DASHBOARD_WIDGETS.failures).properties.metrics)).toContain('ApproximateNumberOfMessagesVisible');
  });

  test('queries the last run reports in the function log group', () => {
    const stack = synth();
    const reports = widget(dashboardWidgets(stack), DASHBOARD_WIDGETS.reports);

    expect(reports.type).toBe('log');
    expect(reports.properties.query).toMatch(/^SOURCE '.*LogGroup.*' \| fields @timestamp, summary\.action as action.*\n\| filter message = 'run report'\n\| sort @timestamp desc\n\| limit 20$/s);
  });

  test('carries no dimension but Scheduler and Action: none per service', () => {
    for (const w of dashboardWidgets(synth())) {
      for (const metric of metricsOf(w)) expect([SCHEDULER_DIMENSION, ACTION_DIMENSION]).toEqual(expect.arrayContaining(Object.keys(metric.dimensions)));
    }
  });

  test('leaves its name to CloudFormation, so two schedulers in one account do not collide', () => {
    const stack = new Stack(new App(), 'Stack');
    new AppRunnerScheduler(stack, 'Dev', MINIMAL_PROPS);
    new AppRunnerScheduler(stack, 'Staging', MINIMAL_PROPS);

    const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
    expect(Object.values(dashboards)).toHaveLength(2);
    for (const dashboard of Object.values(dashboards)) expect(dashboard.Properties.DashboardName).toBeUndefined();
  });

  test('is not created with dashboard: false', () => {
    const { scheduler, template } = synthScheduler({ ...MINIMAL_PROPS, dashboard: false });

    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(scheduler.dashboard).toBeUndefined();
  });
});

describe('summary topic', () => {
  test('the function may publish to the summary topic and to no other, and use its key', () => {
    const stack = new Stack(new App(), 'Stack');
    const masterKey = new kms.Key(stack, 'SummaryKey', { enableKeyRotation: true });
    const summaryTopic = new sns.Topic(stack, 'Summaries', { masterKey });
    const other = new sns.Topic(stack, 'Other');
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, summaryTopic });

    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const publishing = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));
    expect(publishing).toEqual([{ Action: 'sns:Publish', Effect: 'Allow', Resource: stack.resolve(summaryTopic.topicArn) }]);
    expect(JSON.stringify(statements)).not.toContain(JSON.stringify(stack.resolve(other.topicArn)));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: stack.resolve(masterKey.keyArn) }));
  });

  test('raises the notification alarm, on the alarm topic, when a notification could not be sent', () => {
    const stack = new Stack(new App(), 'Stack');
    const created = new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, summaryTopic: new sns.Topic(stack, 'Summaries') });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: SCHEDULER_METRICS.notificationsFailed,
      Dimensions: [{ Name: SCHEDULER_DIMENSION, Value: 'Stack/Scheduler' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [stack.resolve(created.alarmTopic.topicArn)],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowSchedulerAlarmsToPublish',
            Condition: Match.objectLike({
              ArnLike: { 'aws:SourceArn': Match.arrayWith([stack.resolve(created.alarm.alarmArn), stack.resolve(created.notificationAlarm!.alarmArn)]) },
            }),
          }),
        ]),
      },
    });
  });

  test('has no notification alarm without a summary topic', () => {
    const { scheduler, template } = synthScheduler(MINIMAL_PROPS);

    expect(scheduler.notificationAlarm).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: SCHEDULER_METRICS.notificationsFailed }, 0);
  });
});
