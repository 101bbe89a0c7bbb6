/** How the command line reads what a synchronous invocation of the function answered. Pure. */
import { invocationResult } from '../../cli/deployed-function';
import { reportText } from '../../cli/output';
import type { RunReport } from '../../lambda/report';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';
const REPORT: RunReport = {
  action: 'pause',
  dryRun: false,
  startedAt: '2026-12-01T19:00:00.000Z',
  finishedAt: '2026-12-01T19:02:00.000Z',
  counts: { changed: 0, unchanged: 0, skipped: 0, failed: 1, planned: 0 },
  services: [{ serviceArn: ARN, serviceName: 'web-api', region: 'eu-west-1', statusBefore: 'RUNNING', statusAfter: 'RUNNING', actions: ['pause'], operationIds: ['op-1'], outcome: 'failed', reason: 'operation op-1 (PAUSE_SERVICE) ended FAILED' }],
  selectionFailures: [],
};

test('a successful run answers its report', () => {
  expect(invocationResult(undefined, JSON.stringify(REPORT))).toEqual({ ok: true, report: REPORT });
});

test('an unhandled error, as the Node.js runtime reports it, is its type and message', () => {
  const payload = JSON.stringify({ errorType: 'RunFailedError', errorMessage: `The pause run failed for 1 of its targets: ${ARN}: ...`, trace: [] });
  expect(invocationResult('Unhandled', payload)).toEqual({ ok: false, errorType: 'RunFailedError', errorMessage: `The pause run failed for 1 of its targets: ${ARN}: ...` });
});

test('an error that carries the run report keeps it, so that every outcome can be printed', () => {
  const payload = JSON.stringify({ errorType: 'RunFailedError', errorMessage: 'failed', report: REPORT });
  const result = invocationResult('Unhandled', payload);
  expect(result).toEqual({ ok: false, errorType: 'RunFailedError', errorMessage: 'failed', report: REPORT });
  expect(reportText(REPORT, 'Europe/London')).toContain('web-api  eu-west-1  RUNNING  RUNNING  failed   pause    operation op-1 (PAUSE_SERVICE) ended FAILED');
});

test('an answer that is no report and no error object is an unexpected response, quoted', () => {
  expect(invocationResult(undefined, '"hello"')).toEqual({ ok: false, errorType: 'UnexpectedResponse', errorMessage: 'the function answered "hello"' });
  expect(invocationResult('Unhandled', 'not json')).toEqual({ ok: false, errorType: 'Unhandled', errorMessage: 'the function answered "not json"' });
});
