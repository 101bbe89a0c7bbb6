/**
 * How the command line shows things: aligned text tables for people, and the run report's rows and
 * counts. `--json` prints the data itself instead (the run report, or the status rows).
 */
import { selectionFailureTarget, type EndingOutcome, type RunOutcomes, type RunReport } from '../lambda/report';
import { formatLocal } from './when';

/** Where output goes: `process.stdout`/`process.stderr`, or a test's buffer. */
export interface OutputStream {
  write(text: string): unknown;
  /** True for a terminal: only then does the command line draw its live progress line. */
  readonly isTTY?: boolean;
}

/** Renders rows under headers, columns padded to their widest cell; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

/** The counts of a report as one line: `resume: 2 changed, 1 unchanged, 0 skipped, 0 failed`. */
export function countsLine(report: Pick<RunReport, 'action' | 'dryRun' | 'counts'>): string {
  const { counts } = report;
  const parts = report.dryRun
    ? [`${counts.planned} planned`, `${counts.unchanged} unchanged`, `${counts.skipped} skipped`, `${counts.failed} failed`]
    : [`${counts.changed} changed`, `${counts.unchanged} unchanged`, `${counts.skipped} skipped`, `${counts.failed} failed`];
  return `${report.dryRun ? `plan ${report.action}` : report.action}: ${parts.join(', ')}`;
}

function endingText(ending: EndingOutcome): string {
  const schedule = ending.schedule ? ` (schedule ${ending.schedule})` : '';
  switch (ending.arrangement) {
    case 'arranged':
      return `a pause is arranged then${schedule}`;
    case 'planned':
      return `a real run would arrange a pause then${schedule}`;
    case 'not-arranged':
      return `no pause arranged: ${ending.reason}`;
    case 'failed':
      return `the pause could not be arranged: ${ending.reason}`;
  }
}

const REPORT_HEADERS = ['SERVICE', 'REGION', 'BEFORE', 'AFTER', 'OUTCOME', 'ACTIONS', 'REASON'];

/**
 * A run report as a table of every service's outcome, then what was arranged at the end of each
 * snooze or wake (times local in `timeZone`), the selection failures, and its counts.
 */
export function reportText(report: RunReport, timeZone: string): string {
  const rows = report.services.map((s) => [
    s.serviceName,
    s.region,
    s.statusBefore ?? '-',
    s.statusAfter ?? '-',
    s.outcome,
    s.actions.length > 0 ? s.actions.join(',') : '-',
    s.reason,
  ]);
  let text = rows.length > 0 ? table(REPORT_HEADERS, rows) : 'no service selected\n';
  for (const s of report.services) {
    if (s.ending) text += `${s.serviceName}: its ${s.ending.kind} ends ${formatLocal(new Date(s.ending.at), timeZone)}: ${endingText(s.ending)}\n`;
  }
  for (const failure of report.selectionFailures) text += `selection failed: ${selectionFailureTarget(failure)}: ${failure.reason}\n`;
  return `${text}${countsLine(report)}\n`;
}

/**
 * A failed run's outcomes, as the function's error message carries them: the report's table (failed
 * services first, reasons cut short), the selection failures, a line for services there was no room
 * for, and the complete counts. No ending lines: the message does not carry them.
 */
export function outcomesText(outcomes: RunOutcomes): string {
  let text = outcomes.services.length > 0 ? table(REPORT_HEADERS, outcomes.services) : outcomes.omitted > 0 ? '' : 'no service selected\n';
  if (outcomes.omitted > 0) {
    text += `${outcomes.omitted} more service${outcomes.omitted === 1 ? '' : 's'} not listed: the function's error has no room for them; its log's run report has every row\n`;
  }
  for (const failure of outcomes.selectionFailures) text += `selection failed: ${selectionFailureTarget(failure)}: ${failure.reason}\n`;
  return `${text}${countsLine(outcomes)}\n`;
}
