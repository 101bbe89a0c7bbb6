/**
 * App Runner's operation status change events: what the function accepts, and what the construct's
 * rule lets through, checked against the documented example and events built like it.
 */
import {
  InvalidOperationEventError,
  deploymentEventPattern,
  deploymentSignal,
  isEventBridgeEvent,
  parseOperationEvent,
} from '../../contract/operation-event';
import { matchesEventPattern } from '../support/scheduler-harness';

const ARN = 'arn:aws:apprunner:us-east-2:111122223333:service/my-app/8fe1e10304f84fd2b0df550fe98a71fa';
const OTHER_ARN = 'arn:aws:apprunner:us-east-2:111122223333:service/other-app/0123456789abcdef0123456789abcdef';

/** The developer guide's operation status change example, with the code replaced. */
function operationEvent(operationStatus: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AppRunner Service Operation Status Change',
    source: 'aws.apprunner',
    account: '111122223333',
    time: '2021-04-29T18:43:48Z',
    region: 'us-east-2',
    resources: [ARN],
    detail: { operationStatus, ServiceName: 'my-app', ServiceId: '8fe1e10304f84fd2b0df550fe98a71fa', Message: 'Deployment failed.', Severity: 'ERROR' },
    ...fields,
  };
}

function problemsOf(raw: unknown): string[] {
  try {
    parseOperationEvent(raw);
  } catch (error) {
    if (error instanceof InvalidOperationEventError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
}

describe('an operation status change event', () => {
  it('is read from the documented shape: the service from resources, the code from detail.operationStatus', () => {
    expect(parseOperationEvent(operationEvent('DeploymentFailed'))).toEqual({
      serviceArn: ARN,
      serviceName: 'my-app',
      region: 'us-east-2',
      account: '111122223333',
      time: '2021-04-29T18:43:48Z',
      code: 'DeploymentFailed',
      signal: 'failed',
    });
  });

  it('is read with the code under detail.Status, the name the guide’s reference section gives it', () => {
    const event = operationEvent('unused');
    event.detail = { Status: 'DeploymentCompletedSuccessfully', ServiceName: 'my-app' };
    expect(parseOperationEvent(event)).toMatchObject({ code: 'DeploymentCompletedSuccessfully', signal: 'succeeded' });
  });

  it('keeps an operation id when App Runner sends one, which the guide does not document', () => {
    const event = operationEvent('DeploymentFailed');
    event.detail = { ...(event.detail as object), operationId: 'op-1' };
    expect(parseOperationEvent(event).operationIdHint).toBe('op-1');
  });

  test.each([
    ['DeploymentCompletedSuccessfully', 'succeeded'],
    ['DeploymentFailed', 'failed'],
    ['DeploymentRolledBack', 'unknown'],
    ['DeploymentStarted', 'unknown'],
    ['PauseServiceCompletedSuccessfully', 'not-a-deployment'],
    ['UpdateServiceFailed', 'not-a-deployment'],
  ])('reads the code %s as %s: a code it does not know is never a success', (code, signal) => {
    expect(deploymentSignal(code)).toBe(signal);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['another source', { source: 'aws.ecs' }, 'source'],
    ['another detail-type', { 'detail-type': 'AppRunner Service Status Change' }, 'detail-type'],
    ['no service ARN', { resources: [] }, 'resources'],
    ['two resources', { resources: [ARN, OTHER_ARN] }, 'resources'],
    ['an ARN of another region', { resources: [ARN.replace('us-east-2', 'eu-west-1')] }, 'resources'],
    ['no detail', { detail: undefined }, 'detail'],
    ['a code that is not text', { detail: { operationStatus: 7 } }, 'detail.operationStatus'],
    ['a name that is not the ARN’s', { detail: { operationStatus: 'DeploymentFailed', ServiceName: 'other-app' } }, 'detail.ServiceName'],
    ['a time that is not ISO-8601 UTC', { time: 'yesterday' }, 'time'],
    ['an account that is not 12 digits', { account: '42' }, 'account'],
  ])('is refused with %s, naming the field', (_, fields, field) => {
    expect(problemsOf(operationEvent('DeploymentFailed', fields))).toEqual([field]);
  });

  it('is refused with every bad field named, the value received and what is accepted', () => {
    expect(() => parseOperationEvent({ source: 'aws.apprunner' })).toThrow(
      'Invalid App Runner operation event: detail-type: received nothing; expected "AppRunner Service Operation Status Change"',
    );
  });
});

describe('telling App Runner events from the schedules’ events', () => {
  test.each([
    [operationEvent('DeploymentFailed'), true],
    [{ source: 'aws.apprunner' }, true],
    [{ 'detail-type': 'AppRunner Service Operation Status Change', action: 'pause' }, true],
    [{ action: 'pause', tags: { env: 'dev' } }, false],
    ['pause', false],
    [null, false],
  ])('%j is an EventBridge event: %s', (event, expected) => {
    expect(isEventBridgeEvent(event)).toBe(expected);
  });
});

describe('the rule’s pattern', () => {
  const forAccount = deploymentEventPattern({ account: '111122223333', serviceArns: [] });
  const forListed = deploymentEventPattern({ account: '111122223333', serviceArns: [ARN] });

  test.each(['DeploymentCompletedSuccessfully', 'DeploymentFailed', 'DeploymentRolledBack'])('lets through a deployment event (%s)', (code) => {
    expect(matchesEventPattern(forAccount, operationEvent(code))).toBe(true);
    expect(matchesEventPattern(forListed, operationEvent(code))).toBe(true);
  });

  it('lets through a deployment event whose code is under detail.Status', () => {
    const event = operationEvent('unused');
    event.detail = { Status: 'DeploymentFailed' };
    expect(matchesEventPattern(forAccount, event)).toBe(true);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an operation that is not a deployment', operationEvent('PauseServiceCompletedSuccessfully')],
    ['a service update', operationEvent('UpdateServiceFailed')],
    ['a service status change', operationEvent('DeploymentFailed', { 'detail-type': 'AppRunner Service Status Change' })],
    ['another source claiming the detail-type', operationEvent('DeploymentFailed', { source: 'custom.app' })],
    ['another account', operationEvent('DeploymentFailed', { account: '999999999999' })],
  ])('stops %s', (_, event) => {
    expect(matchesEventPattern(forAccount, event)).toBe(false);
  });

  it('stops the deployments of services that are not listed, when services are listed', () => {
    expect(matchesEventPattern(forListed, operationEvent('DeploymentFailed', { resources: [OTHER_ARN] }))).toBe(false);
    expect(matchesEventPattern(forAccount, operationEvent('DeploymentFailed', { resources: [OTHER_ARN] }))).toBe(true);
  });
});
