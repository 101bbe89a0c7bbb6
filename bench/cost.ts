/**
 * What the scheduler itself costs a month, next to a scheduler that polls every 5 minutes, from
 * published prices and the measured runs. Pure arithmetic: every input is named.
 *
 * - Lambda, us-east-1, arm64 (https://aws.amazon.com/lambda/pricing/): $0.0000133334 per GB-second,
 *   $0.20 per million requests. The free tier (400,000 GB-s and 1M requests a month) is left out.
 *   Since 2025-08-01 the INIT phase of a cold start is billed too; every scheduled run is counted cold.
 * - CPU share: "At 1,769 MB, a function has the equivalent of one vCPU"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 * - CloudWatch Logs ingestion, standard class, us-east-1: $0.50 per GB (https://aws.amazon.com/cloudwatch/pricing/).
 * - EventBridge Scheduler: 14 million invocations a month free, then $1.00 per million: both designs stay free.
 */

/** Lambda arm64 prices, us-east-1. */
export const LAMBDA_ARM64 = { usdPerGbSecond: 0.0000133334, usdPerRequest: 0.2 / 1_000_000 } as const;

/** CloudWatch Logs ingestion, standard class, us-east-1. */
export const LOG_INGESTION_USD_PER_GB = 0.5;

/** Memory at which a Lambda function gets one vCPU. */
export const MB_PER_VCPU = 1_769;

/** The function's memory, as the construct sets it. */
export const FUNCTION_MEMORY_MB = 256;

/** What one App Runner service saves a month when paused 108 of 168 hours (1 vCPU / 2 GB, one idle instance; facts sheet). */
export const APP_RUNNER_SAVING_PER_SERVICE_USD = 6.57;

const DAYS_PER_MONTH = 365 / 12;
const TICKS_PER_DAY = (24 * 60) / 5;

/** What one run uses. */
export interface RunUsage {
  /** The engine's own time at the function's CPU share (calls, decisions; not the waiting), in s. */
  readonly engineSeconds: number;
  /** Waiting for App Runner to finish the pause or resume (the run waits for PAUSED / RUNNING), in s. */
  readonly waitingSeconds: number;
  /** INIT of a cold start (loading the bundle), in s. */
  readonly initSeconds: number;
  /** The report logged (one JSON line), in bytes. */
  readonly logBytes: number;
}

/** One design's monthly bill. */
export interface MonthlyCost {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly lambdaUsd: number;
  readonly logsUsd: number;
  readonly usd: number;
}

/** Seconds of the function's time for work that took `wallMs` here and `cpuMs` of CPU: the CPU at the function's share may be the longer. */
export function engineSeconds(wallMs: number, cpuMs: number, memoryMb = FUNCTION_MEMORY_MB): number {
  return Math.max(wallMs, cpuMs / (memoryMb / MB_PER_VCPU)) / 1000;
}

function bill(invocationsPerDay: number, secondsPerDay: number, logBytesPerDay: number, memoryMb: number): MonthlyCost {
  const invocations = invocationsPerDay * DAYS_PER_MONTH;
  const gbSeconds = secondsPerDay * DAYS_PER_MONTH * (memoryMb / 1024);
  const lambdaUsd = gbSeconds * LAMBDA_ARM64.usdPerGbSecond + invocations * LAMBDA_ARM64.usdPerRequest;
  const logsUsd = ((logBytesPerDay * DAYS_PER_MONTH) / 1e9) * LOG_INGESTION_USD_PER_GB;
  return { invocations, gbSeconds, lambdaUsd, logsUsd, usd: lambdaUsd + logsUsd };
}

/** This project: a pause and a resume a day, each waiting for App Runner to finish, each a cold start. */
export function scheduledCost(pause: RunUsage, resume: RunUsage, memoryMb = FUNCTION_MEMORY_MB): MonthlyCost {
  const runs = [pause, resume];
  const seconds = runs.reduce((sum, run) => sum + run.engineSeconds + run.waitingSeconds + run.initSeconds, 0);
  return bill(2, seconds, pause.logBytes + resume.logBytes, memoryMb);
}

/**
 * A poller: wakes every 5 minutes (warm), reads the fleet and finds nothing to do (`idleTick`); twice
 * a day it pauses or resumes without waiting (the next tick looks again). It logs a report every tick.
 */
export function pollingCost(idleTick: RunUsage, pause: RunUsage, resume: RunUsage, memoryMb = FUNCTION_MEMORY_MB): MonthlyCost {
  const idleTicks = TICKS_PER_DAY - 2;
  const seconds = idleTicks * idleTick.engineSeconds + pause.engineSeconds + resume.engineSeconds;
  return bill(TICKS_PER_DAY, seconds, idleTicks * idleTick.logBytes + pause.logBytes + resume.logBytes, memoryMb);
}
