/** How the command line reads what a synchronous invocation of the function answered, and what a failed run's error carries. Pure. */
import { invocationResult } from '../../cli/deployed-function';
import { outcomesText, reportText } from '../../cli/output';
import { LIMITS } from '../../contract/event';
import { RunFailedError } from '../../lambda/errors';
import { OUTCOME_REASON_LIMIT, OUTCOMES_LIMIT, type RunOutcomes, type RunReport } from '../../lambda/report';

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

describe('a failed run\'s error message carries every outcome, in a bounded size', () => {
  /** A report of `n` services, the last `failed` of them failed, each with a reason of `reasonLength` characters. */
  function fleet(n: number, failed: number, reasonLength = 40): RunReport {
    const services = Array.from({ length: n }, (_, i) => ({
      ...REPORT.services[0],
      serviceArn: `${ARN}${String(i).padStart(4, '0')}`,
      serviceName: `service-${String(i).padStart(4, '0')}`,
      outcome: i >= n - failed ? ('failed' as const) : ('changed' as const),
      reason: 'x'.repeat(reasonLength),
    }));
    return { ...REPORT, services, counts: { changed: n - failed, unchanged: 0, skipped: 0, failed, planned: 0 } };
  }

  function answered(report: RunReport) {
    return invocationResult('Unhandled', JSON.stringify({ errorType: 'RunFailedError', errorMessage: new RunFailedError(report).message, trace: [] }));
  }

  test('the headline, then every row, failed first, read back by the command line', () => {
    const result = answered(fleet(3, 1));
    expect(result).toMatchObject({ ok: false, errorType: 'RunFailedError', errorMessage: `The pause run failed for 1 of its targets: ${ARN}0002: ${'x'.repeat(40)}` });
    const { outcomes } = result as { outcomes: RunOutcomes };
    expect(outcomes.services.map((r) => [r[0], r[4]])).toEqual([['service-0002', 'failed'], ['service-0000', 'changed'], ['service-0001', 'changed']]);
    expect(outcomes.omitted).toBe(0);
    expect(outcomesText(outcomes)).toMatch(/^service-0002 +eu-west-1 +RUNNING +RUNNING +failed +pause +x+\n/m);
  });

  test('a fleet too large for the message: failed rows first, the rest counted, the counts complete', () => {
    const report = fleet(LIMITS.services, 5, 1000);
    const message = new RunFailedError(report).message;
    const [headline, outcomesLine] = message.split('\nrun outcomes: ');
    expect(outcomesLine.length).toBeLessThanOrEqual(OUTCOMES_LIMIT);
    expect(outcomesLine.length).toBeGreaterThan(OUTCOMES_LIMIT - 1000);
    expect(headline.length).toBeLessThan(10 * (ARN.length + 4 + OUTCOME_REASON_LIMIT + 2) + 100);
    expect(message).toMatch(/^The pause run failed for 5 of its targets: /);
    const { outcomes } = answered(report) as { outcomes: RunOutcomes };
    expect(outcomes.services.slice(0, 5).map((r) => r[4])).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(outcomes.services[0][6]).toHaveLength(OUTCOME_REASON_LIMIT);
    expect(outcomes.omitted).toBe(LIMITS.services - outcomes.services.length);
    expect(outcomes.omitted).toBeGreaterThan(0);
    expect(outcomes.counts).toEqual(report.counts);
    const text = outcomesText(outcomes);
    expect(text).toContain(`${outcomes.omitted} more services not listed: the function's error has no room for them; its log's run report has every row\n`);
    expect(text).toMatch(/pause: 995 changed, 0 unchanged, 0 skipped, 5 failed\n$/);
  });

  test('the headline names at most ten failures', () => {
    const message = new RunFailedError(fleet(12, 12)).message;
    expect(message.split('\n')[0]).toMatch(/^The pause run failed for 12 of its targets: .*\(and 2 more\)$/);
    expect(message.split('\n')[0].split('; ')).toHaveLength(10);
  });

  test('a message without a well-formed outcomes line is the message alone', () => {
    for (const message of ['The pause run failed for 1 of its targets: x', 'failed\nrun outcomes: {"action":', 'failed\nrun outcomes: {"action":"pause"}']) {
      expect(invocationResult('Unhandled', JSON.stringify({ errorType: 'RunFailedError', errorMessage: message }))).toEqual({ ok: false, errorType: 'RunFailedError', errorMessage: message });
    }
  });
});
