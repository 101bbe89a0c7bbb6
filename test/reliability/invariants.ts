/**
 * The invariants every reliability scenario ends with, as one check. Each one is read from the
 * emulator (its call log and its services' state and operation history) and from the runs' reports,
 * never from the engine's own bookkeeping:
 *
 * 1. A service the scheduler paused is never left without its marker tag.
 * 2. A service paused by someone else is never resumed (unless the event sets `resumeManuallyPaused`).
 * 3. StartDeployment is only sent to a service the run last saw RUNNING.
 * 4. Every selected service (listed, or tagged in the request's regions of its accounts) ends where the
 *    rules send it, or is reported failed (or its account's region unlisted) and the run rejects.
 * 5. A retry of the same event finishes the work, with no second pause, resume or deployment.
 * 6. A savings figure is never a zero standing in for a missing one: a service a run resumed has its
 *    savings in the report, priced at the emulator's own size and MinSize for its region's price, or
 *    reported unpriced/unknown with no amount; the run's total is the sum of the priced ones, absent
 *    rather than 0 when none is priced.
 */
import { decide, readMarker, shouldDeploy, type DecisionSettings } from '../../lambda/decide';
import type { SchedulerRequest } from '../../contract/event';
import type { SelectionFailure } from '../../lambda/report';
import { provisionedMemoryPrice } from '../../lambda/prices';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { MUTATING_OPERATIONS, type CallRecord, type ServiceSnapshot } from '../../emulator/app-runner-emulator';
import type { ReliabilityHarness, RunRecord } from './reliability-harness';

/** The invariants, numbered as above. */
export const INVARIANTS = {
  1: 'a service the scheduler paused keeps its marker tag',
  2: 'a service paused by someone else is never resumed (unless resumeManuallyPaused)',
  3: 'StartDeployment only reaches a service the run saw RUNNING',
  4: 'every service ends where the rules send it, or is reported failed and the run rejects',
  5: 'a retry of the same event finishes the work with no second pause, resume or deployment',
  6: 'a savings figure is the emulator\'s own size at its region\'s price, or reported missing: never a zero for a missing figure',
} as const;

/** An invariant's number. */
export type InvariantId = keyof typeof INVARIANTS;

/** One broken invariant. */
export interface Violation {
  readonly invariant: InvariantId;
  readonly serviceArn?: string;
  readonly detail: string;
}

/**
 * Where the rules send a selected service in one run:
 * - `untouched`: skipped or left as it is: no mutating call at all;
 * - `paused`: PAUSED, with the marker `paused`;
 * - `running`: RUNNING without the marker, with a deployment since the latest resume (`deployed`) or
 *   with no deployment from this run (`not-deployed`).
 */
export type Target =
  | { readonly kind: 'untouched' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'running'; readonly deployment: 'deployed' | 'not-deployed' };

const SUCCEEDED_CALL = (call: CallRecord): boolean => call.httpStatus === 200;

function shortName(arn: string | undefined): string {
  return arn?.split('/')[1] ?? '(none)';
}

/** The status a service will have once its operation in progress ends (as if it succeeds). */
function settledStatus(service: ServiceSnapshot): string {
  if (service.status !== 'OPERATION_IN_PROGRESS') return service.status;
  const pending = service.operations.find((o) => o.status === 'IN_PROGRESS');
  return pending?.type === 'PAUSE_SERVICE' ? 'PAUSED' : 'RUNNING';
}

/**
 * The services a request selects among those that exist before the run: the listed ARNs, and by tags
 * in its regions of its accounts (the function's own, `home`, when it names none).
 */
function selectedServices(request: SchedulerRequest, services: readonly ServiceSnapshot[], home: string): ServiceSnapshot[] {
  const tagEntries = Object.entries(request.tags);
  const accounts = request.accounts.length > 0 ? request.accounts : [home];
  return services.filter(
    (s) =>
      request.services.includes(s.arn) ||
      (tagEntries.length > 0 &&
        accounts.includes(s.account) &&
        request.regions.includes(s.region) &&
        s.status !== 'DELETED' &&
        tagEntries.every(([key, value]) => s.tags[key] === value)),
  );
}

/**
 * Where a selection failure was: `<account>/<region>`. A report of one account and region names no
 * account: it is the request's only account, or the function's own.
 */
function failedUnit(failure: SelectionFailure, request: SchedulerRequest, home: string): string {
  const fallback = request.accounts.length === 1 ? request.accounts[0] : home;
  const account = failure.account !== undefined && /^\d{12}$/.test(failure.account) ? failure.account : fallback;
  return `${account}/${failure.target}`;
}

/** Where the rules (the pure `decide`) send a service, from its state when the run starts. */
function targetOf(service: ServiceSnapshot, request: SchedulerRequest, now: Date): Target {
  if (request.dryRun) return { kind: 'untouched' };
  const settings: DecisionSettings = {
    action: request.action,
    resumeManuallyPaused: request.resumeManuallyPaused,
    timeZone: request.timeZone,
    holidays: request.holidays,
  };
  const plan = decide({ status: settledStatus(service), tags: service.tags }, settings, now);
  const deployment = shouldDeploy(request.deployAfterResume, service.autoDeploymentsEnabled) ? 'deployed' : 'not-deployed';
  switch (plan.kind) {
    case 'skip':
    case 'leave':
    case 'wait':
    case 'yield':
      return { kind: 'untouched' };
    case 'pause':
      return { kind: 'paused' };
    case 'resume':
    case 'finish-resume':
      return { kind: 'running', deployment };
    case 'clear-marker':
      return { kind: 'running', deployment: 'not-deployed' };
  }
}

function callsOf(harness: ReliabilityHarness, afterSeq: number, lastSeq: number, arn?: string): CallRecord[] {
  return harness.emulator.calls.filter((c) => c.seq > afterSeq && c.seq <= lastSeq && (arn === undefined || c.targetArn === arn));
}

/** Why a service is not in its target state after a run, or undefined when it is. */
function missedTarget(target: Target, after: ServiceSnapshot | undefined, calls: readonly CallRecord[]): string | undefined {
  if (target.kind === 'untouched') {
    const mutations = calls.filter((c) => MUTATING_OPERATIONS.has(c.operation));
    return mutations.length === 0 ? undefined : `should be untouched, got ${mutations.map((c) => c.operation).join(', ')}`;
  }
  if (!after) return 'gone';
  const marker = readMarker(after.tags);
  if (target.kind === 'paused') {
    return after.status === 'PAUSED' && marker === 'paused' ? undefined : `should be PAUSED and marked paused, is ${after.status} with marker ${String(after.tags[MARKER_TAG_KEY])}`;
  }
  const deploying = after.status === 'OPERATION_IN_PROGRESS' && after.operations[0]?.type === 'START_DEPLOYMENT';
  if (!(after.status === 'RUNNING' || deploying) || marker !== undefined) {
    return `should be RUNNING without marker, is ${after.status} with marker ${String(after.tags[MARKER_TAG_KEY])}`;
  }
  if (target.deployment === 'deployed') {
    const latestResume = after.operations.findIndex((o) => o.type === 'RESUME_SERVICE');
    const latestDeploy = after.operations.findIndex((o) => o.type === 'START_DEPLOYMENT');
    if (latestDeploy === -1 || (latestResume !== -1 && latestDeploy > latestResume)) return 'no deployment since the resume';
  } else if (calls.some((c) => c.operation === 'StartDeployment' && SUCCEEDED_CALL(c))) {
    return 'deployed although the rules call for no deployment';
  }
  return undefined;
}

/** Invariant 1: after each run and now, a PAUSED service that the scheduler paused carries a valid marker. */
function checkMarkers(harness: ReliabilityHarness, violations: Violation[]): void {
  const states: { label: string; services: readonly ServiceSnapshot[]; upToSeq: number }[] = [
    ...harness.runs.map((run, i) => ({ label: `after run ${i + 1}`, services: run.after, upToSeq: run.lastSeq })),
    { label: 'at the end', services: harness.emulator.services(), upToSeq: harness.lastSeq() },
  ];
  for (const { label, services, upToSeq } of states) {
    for (const service of services) {
      const pauses = callsOf(harness, 0, upToSeq, service.arn).filter((c) => c.operation === 'PauseService' && SUCCEEDED_CALL(c));
      if (pauses.length === 0) continue;
      const lastPause = pauses[pauses.length - 1].seq;
      const touchedByHandSince = harness.handActions.some((h) => h.serviceArn === service.arn && h.afterSeq >= lastPause);
      const pausing = service.status === 'PAUSED' || service.operations[0]?.type === 'PAUSE_SERVICE';
      if (touchedByHandSince || !pausing) continue;
      const marker = readMarker(service.tags);
      if (marker !== 'paused' && marker !== 'resumed') {
        violations.push({ invariant: 1, serviceArn: service.arn, detail: `${label}: ${shortName(service.arn)} is ${service.status} without a marker (${String(service.tags[MARKER_TAG_KEY])})` });
      }
    }
  }
  for (const call of callsOf(harness, 0, harness.lastSeq()).filter((c) => c.operation === 'PauseService' && SUCCEEDED_CALL(c))) {
    const marked = callsOf(harness, 0, call.seq - 1, call.targetArn).some(
      (c) => c.operation === 'TagResource' && SUCCEEDED_CALL(c) && markerWritten(c) === 'paused',
    );
    if (!marked) violations.push({ invariant: 1, serviceArn: call.targetArn, detail: `${shortName(call.targetArn)} was paused before it was marked` });
  }
}

function markerWritten(call: CallRecord): string | undefined {
  const tags = (call.input as { Tags?: { Key?: string; Value?: string }[] }).Tags ?? [];
  return tags.find((t) => t.Key === MARKER_TAG_KEY)?.Value?.split(' ')[0];
}

/** Invariant 2: no ResumeService to a service that, at that moment, someone else had paused. */
function checkForeignPauses(harness: ReliabilityHarness, violations: Violation[]): void {
  for (const run of harness.runs) {
    if (run.request.resumeManuallyPaused) continue;
    for (const call of callsOf(harness, run.afterSeq, run.lastSeq).filter((c) => c.operation === 'ResumeService')) {
      const before = run.before.find((s) => s.arn === call.targetArn);
      const pausedByOthersAtStart =
        before !== undefined && settledStatus(before) === 'PAUSED' && !['paused', 'resumed'].includes(String(readMarker(before.tags)));
      const lastHand = harness.handActions
        .filter((h) => h.serviceArn === call.targetArn && h.afterSeq < call.seq && (h.action === 'pause' || h.action === 'resume'))
        .pop();
      // A hand action with the run's own starting call number happened before the run's first call: the snapshot shows it.
      const handPausedSinceStart = lastHand !== undefined && lastHand.afterSeq > run.afterSeq && lastHand.action === 'pause';
      const handResumedSinceStart = lastHand !== undefined && lastHand.afterSeq > run.afterSeq && lastHand.action === 'resume';
      if (handPausedSinceStart || (pausedByOthersAtStart && !handResumedSinceStart)) {
        violations.push({ invariant: 2, serviceArn: call.targetArn, detail: `ResumeService sent to ${shortName(call.targetArn)}, which someone else paused` });
      }
    }
  }
}

/** Invariant 3: every StartDeployment followed a read that showed the service RUNNING. */
function checkDeployments(harness: ReliabilityHarness, violations: Violation[]): void {
  for (const run of harness.runs) {
    for (const blind of run.blindDeployments) {
      violations.push({
        invariant: 3,
        serviceArn: blind.serviceArn,
        detail: `StartDeployment sent to ${shortName(blind.serviceArn)}, last seen ${blind.lastSeen ?? 'never'}`,
      });
    }
  }
}

/** Whether a person paused, resumed or deleted the service while calls (afterSeq, lastSeq] were made. */
function changedByHandDuring(harness: ReliabilityHarness, arn: string, afterSeq: number, lastSeq: number): boolean {
  return harness.handActions.some(
    (h) => h.serviceArn === arn && h.action !== 'deploy' && h.afterSeq >= afterSeq && h.afterSeq <= lastSeq && (h.action === 'delete' || h.afterSeq > afterSeq),
  );
}

/** Invariant 4: per run, every selected service is in its target state or reported failed, and failure rejects. */
function checkTargets(harness: ReliabilityHarness, violations: Violation[]): void {
  harness.runs.forEach((run, i) => {
    const label = `run ${i + 1}`;
    const home = harness.emulator.defaultAccount;
    const failedUnits = new Set(run.report.selectionFailures.map((f) => failedUnit(f, run.request, home)));
    const anyFailed = run.report.services.some((s) => s.outcome === 'failed') || failedUnits.size > 0;
    if (anyFailed !== run.rejected) {
      violations.push({ invariant: 4, detail: `${label}: ${anyFailed ? 'a service failed but the run resolved' : 'the run rejected with nothing failed'}` });
    }
    for (const arn of run.request.services) {
      if (!run.report.services.some((s) => s.serviceArn === arn)) {
        violations.push({ invariant: 4, serviceArn: arn, detail: `${label}: listed ${shortName(arn)} is missing from the report` });
      }
    }
    for (const service of selectedServices(run.request, run.before, home)) {
      // Deleted, paused or resumed by a person mid-run: the target may be out of reach, and an outcome
      // true when the run reported it may be overtaken (or the service absent, if deleted before it was
      // listed). Invariant 2 still holds the run to leave a person's pause alone.
      if (changedByHandDuring(harness, service.arn, run.afterSeq, run.lastSeq)) continue;
      const outcome = run.report.services.find((s) => s.serviceArn === service.arn);
      if (!outcome) {
        if (!failedUnits.has(`${service.account}/${service.region}`)) {
          violations.push({ invariant: 4, serviceArn: service.arn, detail: `${label}: selected ${service.name} is missing from the report` });
        }
        continue;
      }
      const target = targetOf(service, run.request, new Date(run.startedAt));
      const missed = missedTarget(
        target,
        run.after.find((s) => s.arn === service.arn),
        callsOf(harness, run.afterSeq, run.lastSeq, service.arn),
      );
      if (missed && outcome.outcome !== 'failed') {
        violations.push({ invariant: 4, serviceArn: service.arn, detail: `${label}: ${service.name} ${missed}, but reported ${outcome.outcome} (${outcome.reason})` });
      }
    }
  });
}

/** Invariant 5: the retries resolved, and over the runs of one event no service got a second pause, resume or deployment. */
function checkRetries(harness: ReliabilityHarness, retries: readonly RunRecord[], violations: Violation[]): void {
  for (const retry of retries) {
    if (retry.rejected) {
      const failures = retry.report.services.filter((s) => s.outcome === 'failed').map((s) => `${s.serviceName}: ${s.reason}`);
      violations.push({ invariant: 5, detail: `the retry did not finish the work: ${[...failures, ...retry.report.selectionFailures.map((f) => f.reason)].join('; ')}` });
    }
  }
  const byEvent = new Map<string, RunRecord[]>();
  for (const run of harness.runs) {
    const key = JSON.stringify(run.event);
    byEvent.set(key, [...(byEvent.get(key) ?? []), run]);
  }
  const now = harness.emulator.services();
  for (const runs of byEvent.values()) {
    const from = Math.min(...runs.map((r) => r.afterSeq));
    const startedAt = Math.min(...runs.map((r) => r.startedAt));
    const calls = runs.flatMap((r) => callsOf(harness, r.afterSeq, r.lastSeq)).filter(SUCCEEDED_CALL);
    const unique = [...new Map(calls.map((c) => [c.seq, c])).values()];
    for (const [operation, type] of [
      ['PauseService', 'PAUSE_SERVICE'],
      ['ResumeService', 'RESUME_SERVICE'],
      ['StartDeployment', 'START_DEPLOYMENT'],
    ] as const) {
      const perService = new Map<string, number>();
      for (const call of unique.filter((c) => c.operation === operation && c.targetArn)) {
        perService.set(call.targetArn!, (perService.get(call.targetArn!) ?? 0) + 1);
      }
      for (const [arn, count] of perService) {
        // A person's pause or resume in between makes another pause or resume legitimate.
        if (runs.some((r) => changedByHandDuring(harness, arn, r.afterSeq, r.lastSeq))) continue;
        const undone = (now.find((s) => s.arn === arn)?.operations ?? []).filter(
          (o) => o.type === type && o.startedAt >= startedAt && o.status !== 'SUCCEEDED' && o.status !== 'IN_PROGRESS',
        ).length;
        if (count - undone > 1) {
          violations.push({ invariant: 5, serviceArn: arn, detail: `${shortName(arn)} got ${count} ${operation} calls over the runs of one event (from call ${from}), ${undone} of them undone by a failure` });
        }
      }
    }
  }
}

/** GB of memory as the emulator holds it ("2048" MB or "2 GB"), read here apart from the engine's parser. */
function memoryGbOf(memory: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)( GB)?$/.exec(memory);
  return m ? Number(m[1]) / (m[2] ? 1 : 1024) : undefined;
}

/** Invariant 6: per resume run, every resumed service's savings, and the total, against the emulator's truth. */
function checkSavings(harness: ReliabilityHarness, violations: Violation[]): void {
  harness.runs.forEach((run, i) => {
    const label = `run ${i + 1}`;
    if (run.request.action !== 'resume' || run.request.dryRun) {
      if (run.report.savings !== undefined || run.report.services.some((s) => s.savings !== undefined)) {
        violations.push({ invariant: 6, detail: `${label}: a ${run.request.dryRun ? 'dry' : 'pause'} run reports savings` });
      }
      return;
    }
    const total = run.report.savings;
    if (!total) {
      violations.push({ invariant: 6, detail: `${label}: a resume run reports no savings total` });
      return;
    }
    let sum = 0;
    const counts = { priced: 0, unpriced: 0, unknown: 0 };
    for (const row of run.report.services) {
      const { savings } = row;
      const name = row.serviceName;
      if (!savings) {
        if (row.outcome === 'changed' && row.actions.includes('resume')) {
          violations.push({ invariant: 6, serviceArn: row.serviceArn, detail: `${label}: ${name} was resumed but has no savings in the report` });
        }
        continue;
      }
      counts[savings.status] += 1;
      if (savings.status !== 'priced') {
        if ('amount' in savings) violations.push({ invariant: 6, serviceArn: row.serviceArn, detail: `${label}: ${name} is ${savings.status} but carries an amount` });
        if (!savings.reason) violations.push({ invariant: 6, serviceArn: row.serviceArn, detail: `${label}: ${name} is ${savings.status} without a reason` });
        if (savings.status === 'unpriced' && provisionedMemoryPrice(row.region) !== undefined) {
          violations.push({ invariant: 6, serviceArn: row.serviceArn, detail: `${label}: ${name} is unpriced in ${row.region}, which has a price` });
        }
        continue;
      }
      sum += savings.amount;
      const truth = run.after.find((s) => s.arn === row.serviceArn) ?? run.before.find((s) => s.arn === row.serviceArn);
      const price = provisionedMemoryPrice(row.region);
      const memoryGb = truth && memoryGbOf(truth.memory);
      if (!truth || price === undefined || memoryGb === undefined) {
        violations.push({ invariant: 6, serviceArn: row.serviceArn, detail: `${label}: ${name} is priced, but its region's price or its memory is unknown to the check` });
        continue;
      }
      const expected = truth.provisionedInstances * memoryGb * price * savings.hours;
      if (!(savings.hours > 0 && savings.amount > 0 && Math.abs(savings.amount - expected) <= 1e-9 * expected)) {
        violations.push({
          invariant: 6,
          serviceArn: row.serviceArn,
          detail: `${label}: ${name} priced at ${savings.amount} USD for ${savings.hours} h; the emulator's ${truth.provisionedInstances} x ${memoryGb} GB at ${price} makes ${expected}`,
        });
      }
    }
    const countsMatch = total.priced === counts.priced && total.unpriced === counts.unpriced && total.unknown === counts.unknown;
    const amountMatches = counts.priced === 0 ? total.amount === undefined : total.amount !== undefined && total.amount > 0 && Math.abs(total.amount - sum) <= 1e-9 * sum;
    if (!countsMatch || !amountMatches) {
      violations.push({ invariant: 6, detail: `${label}: the savings total ${JSON.stringify(total)} does not add up the rows (${JSON.stringify({ ...counts, amount: sum })})` });
    }
  });
}

/** Checks every invariant over everything the harness ran; `retries` are the runs that must have finished the work. */
export function checkInvariants(harness: ReliabilityHarness, retries: readonly RunRecord[] = []): Violation[] {
  const violations: Violation[] = [];
  checkMarkers(harness, violations);
  checkForeignPauses(harness, violations);
  checkDeployments(harness, violations);
  checkTargets(harness, violations);
  checkRetries(harness, retries, violations);
  checkSavings(harness, violations);
  return violations;
}
