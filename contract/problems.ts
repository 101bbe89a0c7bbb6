/**
 * The one format in which this project reports what a person got wrong: a bad event field, a bad
 * construct prop, a bad app setting. Each problem names where, what was received and what is
 * accepted. Pure: no AWS SDK, no CDK.
 */

/** One thing wrong with one field, prop or setting. */
export interface FieldProblem {
  /** Where, as a path: `services[2]`, `tags.env`, `dryRun (context)`. */
  readonly field: string;
  /** The value received, rendered for a person. */
  readonly received: string;
  /** What is accepted there. */
  readonly accepted: string;
}

/** Renders a received value for an error message, cut short when long. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The problems as one sentence each: field, value received, what is accepted. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: received ${p.received}; expected ${p.accepted}`).join('. ');
}

/** True for an object that is neither null nor a list: the shape of an event, a tag map, a config file. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems field by field, so that one error can name all of them. */
export class ProblemList {
  private readonly found: FieldProblem[] = [];

  /** Every problem so far, in the order found. */
  get problems(): readonly FieldProblem[] {
    return this.found;
  }

  /** Adds a problem with `field`. */
  add(field: string, received: unknown, accepted: string): void {
    this.found.push({ field, received: describeValue(received), accepted });
  }

  /**
   * Adds problems found by another check, but none already listed: the construct checks its pause
   * and its resume event, which share most fields.
   */
  include(problems: readonly FieldProblem[]): void {
    for (const problem of problems) {
      if (!this.found.some((p) => p.field === problem.field && p.received === problem.received && p.accepted === problem.accepted)) {
        this.found.push(problem);
      }
    }
  }
}
