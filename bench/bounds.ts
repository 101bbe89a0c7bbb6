/**
 * Lower bounds for a fleet run: the fewest App Runner calls that can do the work, and the least
 * time those calls and the transitions take at a given concurrency and per-call latency. The
 * measured run is compared with these; see BENCHMARKS.md for the reasoning behind each term.
 *
 * The bounds are the work's, not the protocol's (issue #14). Per service, the work is:
 * - pause: TagResource (marker `paused`), PauseService, then observe PAUSED;
 * - resume with a deployment: TagResource (marker `resumed`), ResumeService, observe RUNNING,
 *   StartDeployment, and the marker's last write (TagResource `deployed <operation id>`, which
 *   replaces it in one call; UntagResource where no deployment follows): four mutating calls. The
 *   operation history (ListOperations) is no part of it: the engine reads it only where it can change
 *   the decision (a resume found cut short, someone else's resume, a refused deployment), which a
 *   fleet run resuming its own services never meets.
 * Reads: statuses come from ListServices pages (APP_RUNNER_PAGE_SIZE services a page), both to select and to observe,
 * and observing the fleet's new state takes one ListServices walk after the last transition ended;
 * when the region has more pages than services are selected, a DescribeService per service is
 * fewer calls, and the bound counts that instead. Tags depend on what the function may read:
 * - by tag: GetResources pages (GET_RESOURCES_PAGE_SIZE a page);
 * - by ARN: its IAM policy names only the listed ARNs for tags (no GetResources), so one
 *   ListTagsForResource per service.
 * AutoDeploymentsEnabled (for the `auto` policy) is in the ResumeService answer, so it needs no read
 * of its own.
 */

import { APP_RUNNER_PAGE_SIZE, GET_RESOURCES_PAGE_SIZE } from '../lambda/app-runner';
import type { Action } from '../contract/event';
import type { PollSettings } from '../lambda/status-watcher';
import { MUTATING_OPERATIONS } from '../emulator/app-runner-emulator';

/** The two actions a schedule runs. */
export type FleetAction = Action;

/** How the services are selected. */
export type SelectionMode = 'arn' | 'tag';

/** The shape of one benchmark run. */
export interface BoundInput {
  readonly action: FleetAction;
  readonly selection: SelectionMode;
  /** Services selected (all acted on). */
  readonly services: number;
  /** Services in the region, selected or not: what a ListServices walk reads. */
  readonly regionServices: number;
  /** Most App Runner calls in flight at once. */
  readonly concurrency: number;
  /** Time of one App Runner call, in ms. */
  readonly latencyMs: number;
  /** How long the pause (or resume) operation runs, in ms. */
  readonly transitionMs: number;
  /** Every service is already where the action takes it: the run only reads. @default false */
  readonly settled?: boolean;
}

/** Calls by operation, split into mutating calls and reads. */
export interface CallCounts {
  readonly byOperation: Readonly<Record<string, number>>;
  readonly mutating: number;
  readonly reads: number;
  readonly total: number;
}

/** The least time, in ms, and the terms it is the largest of. */
export interface TimeBound {
  readonly ms: number;
  /** The last transition's chain: the calls that must precede it, the transition, the calls after it. */
  readonly lastTransitionMs: number;
  /** Every call at full concurrency. */
  readonly throughputMs: number;
  /** The first transition, then every call that can only follow a transition. */
  readonly firstTransitionMs: number;
}


/** The calls each service needs in sequence, before and after its transition, besides the reads that select and observe it. */
function serviceCalls(action: FleetAction, settled = false): { before: Record<string, number>; after: Record<string, number> } {
  if (settled) return { before: {}, after: {} };
  return action === 'pause'
    ? { before: { TagResource: 1, PauseService: 1 }, after: {} }
    : { before: { TagResource: 1, ResumeService: 1 }, after: { StartDeployment: 1, TagResource: 1 } };
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Pages of one ListServices walk over the region. */
export function listServicesPages(regionServices: number): number {
  return Math.max(1, Math.ceil(regionServices / APP_RUNNER_PAGE_SIZE));
}

/** The fewest calls that can do the run's work. */
export function callBound(input: BoundInput): CallCounts {
  const n = input.services;
  const { before, after } = serviceCalls(input.action, input.settled);
  const byOperation: Record<string, number> = {};
  const add = (operation: string, count: number) => {
    byOperation[operation] = (byOperation[operation] ?? 0) + count;
  };
  for (const calls of [before, after]) for (const [operation, count] of Object.entries(calls)) add(operation, count * n);
  const reads = 1 + (input.settled ? 0 : 1);
  const walk = listServicesPages(input.regionServices);
  if (walk <= n) add('ListServices', reads * walk);
  else add('DescribeService', reads * n);
  if (input.selection === 'arn') add('ListTagsForResource', n);
  else add('GetResources', Math.max(1, Math.ceil(n / GET_RESOURCES_PAGE_SIZE)));
  const total = sum(byOperation);
  const mutating = sum(Object.fromEntries(Object.entries(byOperation).filter(([operation]) => MUTATING_OPERATIONS.has(operation))));
  return { byOperation, mutating, reads: total - mutating, total };
}

/**
 * The least wall time. The largest of three lower bounds, each a fact about any schedule of the
 * calls with at most `concurrency` in flight, each taking `latencyMs`:
 * - the last transition cannot start before every call that must precede some transition has
 *   been made (reads to select, then the marker and the pause/resume), and after it ends come one
 *   read to observe it and the calls that follow it in sequence;
 * - every call must be made;
 * - the calls that follow a transition cannot start before the first transition ended.
 * A ListServices walk is sequential (each page needs the previous page's token), so selection
 * takes one walk's time before any service can be decided.
 */
export function timeBound(input: BoundInput): TimeBound {
  const n = input.services;
  const perCall = input.latencyMs / input.concurrency;
  const call = input.latencyMs;
  const { before, after } = serviceCalls(input.action, input.settled);
  const callsBefore = sum(before);
  const callsAfter = sum(after);
  const bound = callBound(input);
  const { selectMs, calls: selectionCalls } = selection(input);
  const callsAfterSelection = bound.total - selectionCalls;
  const lastTransitionMs = selectMs + n * callsBefore * perCall + input.transitionMs + call + callsAfter * call;
  const firstTransitionMs = selectMs + callsBefore * call + input.transitionMs + call + n * callsAfter * perCall;
  const throughputMs = selectMs + callsAfterSelection * perCall;
  if (input.settled) {
    // Nothing to change: selection's reads are the whole run.
    return { ms: Math.max(selectMs, throughputMs), lastTransitionMs: selectMs, throughputMs, firstTransitionMs: selectMs };
  }
  return { ms: Math.max(lastTransitionMs, throughputMs, firstTransitionMs), lastTransitionMs, throughputMs, firstTransitionMs };
}

/**
 * Selection reads statuses and tags before any service is decided: its least time, and its calls.
 * Statuses: one walk (sequential pages), or one DescribeService per service side by side. Tags:
 * GetResources pages (sequential) or one ListTagsForResource per service side by side.
 */
function selection(input: BoundInput): { readonly selectMs: number; readonly calls: number } {
  const n = input.services;
  const call = input.latencyMs;
  const walk = listServicesPages(input.regionServices);
  const statusReads = walk <= n ? { calls: walk, chainMs: walk * call } : { calls: n, chainMs: call };
  const pages = Math.max(1, Math.ceil(n / GET_RESOURCES_PAGE_SIZE));
  const tagReads = input.selection === 'arn' ? { calls: n, chainMs: call } : { calls: pages, chainMs: pages * call };
  const calls = statusReads.calls + tagReads.calls;
  return { selectMs: Math.max(statusReads.chainMs, tagReads.chainMs, (calls * call) / input.concurrency), calls };
}

/**
 * A run over accounts and regions (`runFleet`): `accounts` member accounts, each with
 * `servicesPerUnit` services in each of the regions, all selected by tag. Each account is reached with
 * the member role, one AssumeRole per account; each (account, region) unit runs today's engine under
 * its own bound of `concurrency` calls, all of them under `fleetConcurrency`.
 */
export interface AccountsBoundInput {
  readonly action: FleetAction;
  readonly accounts: number;
  /** One call's time to each region, in ms: one entry per region. */
  readonly regionLatencyMs: readonly number[];
  readonly servicesPerUnit: number;
  /** Most calls in flight in one unit. */
  readonly concurrency: number;
  /** Most calls in flight across the units. */
  readonly fleetConcurrency: number;
  /** One AssumeRole's time, in ms. */
  readonly stsLatencyMs: number;
  readonly transitionMs: number;
}

/** One unit of a run over accounts, as a run of one region. */
function unitInput(input: AccountsBoundInput, latencyMs: number): BoundInput {
  const n = input.servicesPerUnit;
  return { action: input.action, selection: 'tag', services: n, regionServices: n, concurrency: Math.min(input.concurrency, input.fleetConcurrency), latencyMs, transitionMs: input.transitionMs };
}

/** The fewest calls of a run over accounts: each unit's, and one AssumeRole per account. */
export function accountsCallBound(input: AccountsBoundInput): CallCounts {
  const byOperation: Record<string, number> = { AssumeRole: input.accounts };
  let mutating = 0;
  for (const latencyMs of input.regionLatencyMs) {
    const unit = callBound(unitInput(input, latencyMs));
    for (const [operation, count] of Object.entries(unit.byOperation)) byOperation[operation] = (byOperation[operation] ?? 0) + count * input.accounts;
    mutating += unit.mutating * input.accounts;
  }
  const total = sum(byOperation);
  return { byOperation, mutating, reads: total - mutating, total };
}

/**
 * The least wall time of a run over accounts: the largest of
 * - the slowest unit's own bound (`timeBound` at its region's latency and its concurrency), after its
 *   account's AssumeRole;
 * - every call at `fleetConcurrency`, each holding its slot for its region's latency;
 * - the fleet's last transition: it cannot start before every marker and pause/resume of the fleet
 *   was made at `fleetConcurrency` (none before its account's AssumeRole and the quickest selection),
 *   and after it come one read and the calls that follow it in sequence;
 * - the fleet's first transition, then every call that can only follow a transition, at `fleetConcurrency`.
 */
export function accountsTimeBound(input: AccountsBoundInput): TimeBound & { readonly slowestUnitMs: number } {
  const { before, after } = serviceCalls(input.action);
  const c = input.fleetConcurrency;
  const fastest = Math.min(...input.regionLatencyMs);
  const units = input.regionLatencyMs.map((latencyMs) => {
    const unit = unitInput(input, latencyMs);
    return { latencyMs, calls: callBound(unit).total, ms: timeBound(unit).ms, selectMs: selection(unit).selectMs };
  });
  const slowestUnitMs = input.stsLatencyMs + Math.max(...units.map((u) => u.ms));
  const start = input.stsLatencyMs + Math.min(...units.map((u) => u.selectMs));
  const slotMs = (perService: number) => input.regionLatencyMs.reduce((total, latencyMs) => total + input.accounts * input.servicesPerUnit * perService * latencyMs, 0) / c;
  const throughputMs = (input.accounts * input.stsLatencyMs + units.reduce((total, u) => total + input.accounts * u.calls * u.latencyMs, 0)) / c;
  const lastTransitionMs = start + slotMs(sum(before)) + input.transitionMs + fastest + sum(after) * fastest;
  const firstTransitionMs = start + sum(before) * fastest + input.transitionMs + fastest + slotMs(sum(after));
  return { ms: Math.max(slowestUnitMs, throughputMs, lastTransitionMs, firstTransitionMs), slowestUnitMs, lastTransitionMs, throughputMs, firstTransitionMs };
}

/** Reads of one waiting service until it is seen settled, when each read returns at once and the operation takes `transitionMs`. */
export function pollsPerWait(transitionMs: number, poll: PollSettings): number {
  let at = 0;
  let delay = poll.initialMs;
  let polls = 0;
  while (at < transitionMs) {
    at += delay;
    polls += 1;
    delay = Math.min(poll.maxMs, delay * poll.factor);
  }
  return polls;
}
