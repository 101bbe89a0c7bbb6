/**
 * Whose deployment an App Runner event is about, how it ended, and what the function does: plain
 * tables over the event's code, the marker tag and the operation history (newest first).
 */
import type { OperationRecord } from '../../lambda/app-runner';
import { attributeDeployment, resultOfStatus } from '../../lambda/attribute-deployment';
import { deployedMarkerValue } from '../../lambda/decide';
import { deploymentSignal, type OperationStatusChange } from '../../contract/operation-event';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/api/0123456789abcdef0123456789abcdef';
const OURS = 'aaaaaaaa-0000-4000-8000-000000000001';
const PERSONS = 'bbbbbbbb-0000-4000-8000-000000000002';
const DEPLOYED = { [MARKER_TAG_KEY]: deployedMarkerValue(OURS, new Date('2026-11-30T07:02:00Z')) };

function change(code: string): OperationStatusChange {
  return { serviceArn: ARN, serviceName: 'api', region: 'eu-west-1', account: '123456789012', time: '2026-11-30T07:06:00Z', code, signal: deploymentSignal(code) };
}

const deployment = (id: string, status: string): OperationRecord => ({ id, type: 'START_DEPLOYMENT', status });
const resume: OperationRecord = { id: 'resume-1', type: 'RESUME_SERVICE', status: 'SUCCEEDED' };
const pause: OperationRecord = { id: 'pause-1', type: 'PAUSE_SERVICE', status: 'SUCCEEDED' };

describe('a deployment the marker names as the scheduler’s', () => {
  test.each([
    ['SUCCEEDED', 'DeploymentCompletedSuccessfully', 'succeeded'],
    ['FAILED', 'DeploymentFailed', 'failed'],
    ['ROLLBACK_SUCCEEDED', 'DeploymentFailed', 'failed'],
    ['ROLLBACK_FAILED', 'DeploymentFailed', 'failed'],
    ['A_STATUS_FROM_THE_FUTURE', 'DeploymentFailed', 'unknown'],
  ])('that ended %s is reported as %s, from the history, and its marker removed', (status, code, result) => {
    const decision = attributeDeployment(change(code), DEPLOYED, [deployment(OURS, status), resume]);
    expect(decision).toEqual({
      kind: 'report',
      clearMarker: true,
      outcome: {
        serviceArn: ARN,
        serviceName: 'api',
        region: 'eu-west-1',
        operationId: OURS,
        status,
        eventStatus: code,
        result,
        attribution: 'scheduler',
        reportedAt: '2026-11-30T07:06:00Z',
      },
    });
  });

  it('that failed and is still rolling back is reported failed now: nothing waits for the rollback', () => {
    const decision = attributeDeployment(change('DeploymentFailed'), DEPLOYED, [deployment(OURS, 'ROLLBACK_IN_PROGRESS'), resume]);
    expect(decision).toMatchObject({ kind: 'report', outcome: { status: 'ROLLBACK_IN_PROGRESS', result: 'failed' } });
  });

  it('is taken as succeeded when the event says so and the history lags behind it', () => {
    const decision = attributeDeployment(change('DeploymentCompletedSuccessfully'), DEPLOYED, [deployment(OURS, 'IN_PROGRESS'), resume]);
    expect(decision).toMatchObject({ kind: 'report', outcome: { status: 'SUCCEEDED', result: 'succeeded' } });
  });

  it('still running, with a code this version does not know, is waited for: the marker stays', () => {
    expect(attributeDeployment(change('DeploymentStarted'), DEPLOYED, [deployment(OURS, 'IN_PROGRESS'), resume])).toEqual({
      kind: 'wait',
      reason: `the scheduler's deployment ${OURS} is still IN_PROGRESS`,
    });
  });

  it('is reported from the history when a person’s later deployment brings the event: the person’s is not reported as ours', () => {
    const decision = attributeDeployment(change('DeploymentFailed'), DEPLOYED, [deployment(PERSONS, 'FAILED'), deployment(OURS, 'SUCCEEDED'), resume]);
    expect(decision).toMatchObject({ kind: 'report', clearMarker: true, outcome: { operationId: OURS, status: 'SUCCEEDED', result: 'succeeded' } });
  });

  it('missing from the history’s first page is reported with an unknown result, never as a success', () => {
    const decision = attributeDeployment(change('DeploymentCompletedSuccessfully'), DEPLOYED, [resume]);
    expect(decision).toMatchObject({ kind: 'report', outcome: { operationId: OURS, status: 'NOT_IN_HISTORY', result: 'unknown' } });
  });
});

describe('a deployment no marker names', () => {
  it('is not reported: a person’s deployment, or one already reported (a second delivery)', () => {
    expect(attributeDeployment(change('DeploymentFailed'), {}, [deployment(PERSONS, 'FAILED')])).toMatchObject({ kind: 'ignore' });
  });

  test.each(['paused 2026-11-30T19:00:00Z', 'resumed 2026-12-01T07:00:00Z'])(
    'whose failure arrives after a later run wrote %s is reported as unattributable, and the marker kept',
    (marker) => {
      const decision = attributeDeployment(change('DeploymentFailed'), { [MARKER_TAG_KEY]: marker }, [pause, deployment(OURS, 'ROLLBACK_SUCCEEDED'), resume]);
      expect(decision).toMatchObject({ kind: 'report', clearMarker: false, outcome: { operationId: OURS, status: 'ROLLBACK_SUCCEEDED', attribution: 'unattributable', result: 'failed' } });
    },
  );

  it('whose success arrives after a later run replaced the record is not reported', () => {
    expect(attributeDeployment(change('DeploymentCompletedSuccessfully'), { [MARKER_TAG_KEY]: 'paused 2026-11-30T19:00:00Z' }, [pause, deployment(OURS, 'SUCCEEDED')])).toMatchObject({ kind: 'ignore' });
  });

  it('on a service whose marker the scheduler never writes is left alone', () => {
    expect(attributeDeployment(change('DeploymentFailed'), { [MARKER_TAG_KEY]: 'sleeping' }, [deployment(OURS, 'FAILED')])).toMatchObject({ kind: 'ignore' });
  });
});

describe('an event that is not a deployment’s', () => {
  it('is ignored', () => {
    expect(attributeDeployment(change('PauseServiceCompletedSuccessfully'), DEPLOYED, [pause])).toEqual({ kind: 'ignore', reason: "PauseServiceCompletedSuccessfully is not a deployment's status" });
  });
});

describe('a deployment status', () => {
  test.each([
    ['SUCCEEDED', 'succeeded'],
    ['FAILED', 'failed'],
    ['ROLLBACK_IN_PROGRESS', 'failed'],
    ['ROLLBACK_SUCCEEDED', 'failed'],
    ['ROLLBACK_FAILED', 'failed'],
    ['IN_PROGRESS', 'unknown'],
    ['SOMETHING_NEW', 'unknown'],
  ])('%s reads as %s', (status, result) => {
    expect(resultOfStatus(status)).toBe(result);
  });
});
