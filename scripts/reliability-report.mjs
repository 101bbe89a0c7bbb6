// Runs the reliability suite (test/reliability) and regenerates RELIABILITY.md from the figures it
// records: every scenario, table of bad inputs, property run and self-check appends one JSON line to
// the file named by RELIABILITY_SUMMARY. `npm run reliability`. Exits with jest's status, so a failing
// suite fails the command (the document is still written, with the failures in it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = join(ROOT, 'RELIABILITY.md');

function runSuite(summaryFile) {
  const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
  const result = spawnSync(process.execPath, [jest, 'test/reliability'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, RELIABILITY_SUMMARY: summaryFile },
  });
  return result.status ?? 1;
}

function readLines(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function countsText(counts) {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`);
  return parts.length > 0 ? parts.join(', ') : 'no services';
}

function runsText(runs) {
  return runs
    .map((run) => {
      const failures = run.selectionFailures > 0 ? `, ${run.selectionFailures} region unlisted` : '';
      return `${run.role} (${run.action}): ${run.rejected ? 'rejected' : 'resolved'}, ${countsText(run.counts)}${failures}`;
    })
    .join('; ');
}

function happenedText(line) {
  const end = Object.entries(line.endState)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const refused = line.refusedDeployments > 0 ? `; ${line.refusedDeployments} StartDeployment refused by App Runner` : '';
  const seconds = (line.durationMs / 1000).toFixed(1);
  return `${line.services} services, end: ${end}; ${line.calls} calls, ${line.faultedCalls} answered by a fault${refused}; ${seconds} s`;
}

function invariantsText(line) {
  const checked = line.invariantsChecked.join(', ');
  return line.violations.length === 0 ? `yes (${checked})` : `**NO: ${line.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}**`;
}

function render(lines, jestStatus) {
  const scenarios = lines.filter((l) => l.kind === 'scenario');
  const badInputs = lines.filter((l) => l.kind === 'bad-input');
  const properties = lines.filter((l) => l.kind === 'property');
  const selfChecks = lines.filter((l) => l.kind === 'self-check').sort((a, b) => a.invariant - b.invariant);
  const scenarioViolations = scenarios.reduce((n, s) => n + s.violations.length, 0);
  const propertyViolations = properties.reduce((n, p) => n + p.violations.length, 0);
  const randomCases = properties.reduce((n, p) => n + p.cases, 0);
  const badCases = badInputs.reduce((n, b) => n + b.cases, 0);
  const forbidden = badInputs.reduce((n, b) => n + b.forbiddenCalls, 0);
  const scenarioRuns = scenarios.reduce((n, s) => n + s.runs.length, 0);
  const propertyRuns = properties.reduce((n, p) => n + p.handlerRuns, 0);

  const out = [];
  out.push('# Reliability');
  out.push('');
  out.push(
    'What the scheduler survives, shown by the reliability suite in `test/reliability/`: faults injected into the',
    'App Runner emulator and met by the real handler through the real AWS SDK, random fleets and faults drawn by',
    'fast-check, and bad input. Every figure below comes from the last run of the suite; nothing here is written by hand',
    'but the notes at the end.',
  );
  out.push('');
  out.push('Regenerate with `npm run reliability` (it runs `jest test/reliability` with `RELIABILITY_SUMMARY` set and');
  out.push('rewrites this file; `RELIABILITY_SEED` and `RELIABILITY_CASES` change the random cases, `RELIABILITY_ACCOUNT_CASES` the');
  out.push('number of those over accounts). `npm test` runs the same suite.');
  out.push('');
  out.push('## Figures');
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| suite result | ${jestStatus === 0 ? 'passed' : `**failed (jest exit ${jestStatus})**`} |`);
  out.push(`| fault scenarios run | ${scenarios.length} (${scenarioRuns} handler runs) |`);
  out.push(`| random cases run | ${randomCases} (${propertyRuns} handler runs) |`);
  out.push(`| bad inputs refused or left alone | ${badCases}, with ${forbidden} forbidden App Runner calls |`);
  out.push(`| invariant violations | ${scenarioViolations + propertyViolations} |`);
  out.push(`| invariant self-checks (a broken scheduler caught) | ${selfChecks.filter((c) => c.caught).length} of ${selfChecks.length} |`);
  out.push('');
  out.push('## The invariants');
  out.push('');
  out.push('Checked after every scenario and every random case by one function, `checkInvariants` in');
  out.push('`test/reliability/invariants.ts`, from the emulator\'s call log, its services\' state and operation history, and');
  out.push('the reports. Each is also shown catching a scheduler broken on purpose (last column).');
  out.push('');
  out.push('| # | invariant | self-check |');
  out.push('|---|---|---|');
  for (const check of selfChecks) {
    out.push(`| ${check.invariant} | ${cell(check.statement)} | ${check.caught ? 'caught' : '**missed**'}: ${cell(check.name)} |`);
  }
  out.push('');
  out.push('Where a target is defined: the pure rules (`decide`) applied to each selected service as it was when the run');
  out.push('started. A service that a person pauses, resumes or deletes during a run is held to invariant 2 only.');
  out.push('');
  out.push('## Fault scenarios');
  out.push('');
  out.push('Each scenario uses several services (some hit by the fault, one opted out, one outside the selection). "retry"');
  out.push('is the same event run again after the fault cleared; "overlapping" runs started together.');
  out.push('');
  out.push('| scenario | fault | selection | what happened | what was reported | invariants held |');
  out.push('|---|---|---|---|---|---|');
  for (const s of scenarios) {
    out.push(`| ${cell(s.name)} | ${cell(s.fault)} | ${s.selection} | ${cell(happenedText(s))} | ${cell(runsText(s.runs))} | ${cell(invariantsText(s))} |`);
  }
  out.push('');
  out.push('## Random cases');
  out.push('');
  for (const p of properties) {
    const faults = Object.entries(p.faults)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    out.push(`- ${cell(p.name)}: seed ${p.seed}, ${p.cases} cases, ${p.services} services, ${p.handlerRuns} handler runs;`);
    out.push(`  the retry had to finish the work in ${p.retriesRequired} cases (the others kept a fault that does not clear:`);
    out.push('  a hung operation, a failure armed on an operation that never started, a listed service deleted);');
    out.push(`  faults drawn: ${faults}; invariant violations: ${p.violations.length}.`);
  }
  out.push('');
  out.push('## Bad input');
  out.push('');
  out.push('| table | cases | forbidden calls |');
  out.push('|---|---|---|');
  for (const b of badInputs) out.push(`| ${cell(b.name)} | ${b.cases} | ${b.forbiddenCalls} |`);
  out.push('');
  out.push('A malformed event must be refused with an `InvalidEventError` naming every bad field (the fields each case');
  out.push('names are in `test/reliability/bad-input.test.ts`; the event contract\'s own test pins the wording) and reach');
  out.push('App Runner not at all; a service whose skip or marker tag holds a value the scheduler cannot read must get no');
  out.push('mutating call, and its report entry names the value.');
  out.push('');
  out.push('## Limits the suite shows, and what it does not cover');
  out.push('');
  out.push(
    '- **Overlapping runs and deployments.** Two runs of the same event that overlap may both find no deployment in the',
    '  operation history and both call StartDeployment. App Runner refuses the second while the first runs, and its',
    '  deployments take minutes, so one deployment results (scenario "two resume runs ..."). Only a StartDeployment',
    '  delayed past the end of the other run\'s deployment (SDK retries under throttling lasting longer than a deployment)',
    '  would deploy twice: App Runner offers no conditional write to lock on. The random cases keep such delays out of',
    '  overlapping runs, and give the emulator\'s deployments 300 ms there.',
    '- **A deployment that starts and then fails** is reported as started: the run does not wait for deployments (they',
    '  take minutes), and App Runner keeps the service RUNNING on its previous version.',
    '- **The marker is the only state.** A service paused by hand while it still carries the marker of an interrupted',
    '  scheduler run looks like one the scheduler paused, and a resume run resumes it. A pause made during a run, after',
    '  the run saw the service running, is recognised and left alone.',
    '- **Lost answers are not simulated.** The emulator decides a fault before it handles the call, so a call App Runner',
    '  carried out but whose answer was lost (then retried by the SDK) is not exercised here.',
    '- **Retry settings.** The storm scenarios run with the production settings (8 attempts) in both retry modes; the',
    '  other scenarios use 4 standard attempts to keep the suite fast. Adaptive mode rate-limits the client after',
    '  throttling, so a storm slows the whole run, not only the throttled calls: compare the durations of the two storm',
    '  scenarios (they depend on the machine and on the SDK\'s random backoff).',
    '- **Member accounts: retries in a new container.** Runs over accounts reach the member accounts as in production',
    '  (`StsAccountAccess` through the emulator\'s STS). After a member role is removed or its sessions revoked, the',
    '  scenarios retry in a new container: a warm one keeps the denied session, as its SDK clients keep credentials until',
    '  5 minutes before their Expiration, so its runs fail that account (reported, nothing lost) until then. A session',
    '  STS expires early is assumed again in the same container. Role chaining limits, session policies and IAM',
    '  permissions beyond the role\'s existence are not modelled.',
  );
  out.push('');
  return out.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'reliability-'));
const summaryFile = join(dir, 'summary.jsonl');
try {
  const status = runSuite(summaryFile);
  const lines = readLines(summaryFile);
  writeFileSync(OUTPUT, render(lines, status));
  console.log(`RELIABILITY.md written from ${lines.length} summary lines (jest exit ${status}).`);
  process.exitCode = status;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
