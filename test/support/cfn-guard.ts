/**
 * Runs the AWS Control Tower proactive controls, as `@cdklabs/cdk-validator-cfnguard` ships them
 * (its guard rules and the `cfn-guard` binary inside the npm package: offline, nothing to install),
 * over synthesized templates, and reads the result per template and per control.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const VALIDATOR_ROOT = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIRECTORY = path.join(VALIDATOR_ROOT, 'rules', 'control-tower', 'cfn-guard');
const METADATA_DIRECTORY = path.join(VALIDATOR_ROOT, 'rules', 'control-tower', 'metadata');

/** cfn-guard's exit code when every rule passes, and when some rule fails (its JSON is on stdout either way). */
const GUARD_EXIT_PASS = 0;
const GUARD_EXIT_FAIL = 19;

/** The validator's version and that of the cfn-guard it ships, for the documentation. */
export const VALIDATOR_VERSION: string = (JSON.parse(fs.readFileSync(path.join(VALIDATOR_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const CFN_GUARD_VERSION: string = (JSON.parse(fs.readFileSync(path.join(VALIDATOR_ROOT, 'guard-version.json'), 'utf8')) as { version: string }).version;

/** One proactive control: one guard file and its metadata. */
export interface ControlTowerControl {
  /** `CT.LAMBDA.PR.3`. */
  readonly id: string;
  /** What the control requires (its metadata's DisplayName). */
  readonly title: string;
  readonly severity: string;
  /** The CloudFormation types the control evaluates. */
  readonly resourceTypes: readonly string[];
  /** The name of the guard rule that checks a template (each file has one, plus a hook variant of it). */
  readonly rule: string;
}

/** What a control made of one template: `not applicable` when the rule found nothing to check. */
export type ControlStatus = 'pass' | 'fail' | 'not applicable';

/** One control that failed on one template. */
export interface ControlFailure {
  readonly control: string;
  readonly rule: string;
  /** Logical IDs of the resources it failed on. */
  readonly resources: readonly string[];
  /** What is wrong and the rule's fix, as cfn-guard reports them. */
  readonly message: string;
}

/** The result of the rules on one template. */
export interface ControlTowerReport {
  readonly status: (controlId: string) => ControlStatus;
  readonly failures: readonly ControlFailure[];
}

/** The structured output of `cfn-guard validate --structured` for one data file. */
interface GuardFileResult {
  readonly name: string;
  readonly status: 'PASS' | 'FAIL' | 'SKIP';
  readonly compliant: readonly string[];
  readonly not_applicable: readonly string[];
  readonly not_compliant: readonly { readonly Rule: { readonly name: string } }[];
}

interface ControlMetadata {
  readonly Id: string;
  readonly DisplayName: string;
  readonly Severity: string;
  readonly EvaluatedResourceTypes: readonly string[];
}

/** The binary the package ships for this machine, chosen as its plugin chooses it (CfnGuardValidator). */
function guardBinary(): string {
  const platform = { linux: 'ubuntu', darwin: 'macos' }[os.platform() as string];
  const architecture = { x64: 'x86_64', arm64: 'aarch64' }[os.arch() as string];
  if (!platform || !architecture) {
    throw new Error(`@cdklabs/cdk-validator-cfnguard ships cfn-guard for Linux and macOS on x64 and arm64, not for ${os.platform()} on ${os.arch()}`);
  }
  return path.join(VALIDATOR_ROOT, 'bin', platform, architecture, 'cfn-guard');
}

let controls: ControlTowerControl[] | undefined;

/** Every control the package ships, by id. */
export function controlTowerControls(): readonly ControlTowerControl[] {
  controls ??= fs
    .readdirSync(RULES_DIRECTORY)
    .flatMap((service) => fs.readdirSync(path.join(RULES_DIRECTORY, service)).map((file) => ({ service, base: path.basename(file, '.guard') })))
    .map(({ service, base }) => {
      const guard = fs.readFileSync(path.join(RULES_DIRECTORY, service, `${base}.guard`), 'utf8');
      const rules = [...new Set([...guard.matchAll(/^rule\s+(\w+)\s+when\s+is_cfn_template\b/gm)].map((match) => match[1]))];
      if (rules.length !== 1) throw new Error(`${service}/${base}.guard: expected one rule name for templates, found ${rules.join(', ') || 'none'}`);
      const metadata = JSON.parse(fs.readFileSync(path.join(METADATA_DIRECTORY, service, `${base}.metadata.json`), 'utf8')) as ControlMetadata;
      return { id: metadata.Id, title: metadata.DisplayName, severity: metadata.Severity, resourceTypes: metadata.EvaluatedResourceTypes, rule: rules[0] };
    })
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return controls;
}

/**
 * Runs every control over the templates, in one cfn-guard call.
 * @param templates each template's name and its JSON
 * @returns each name's report
 */
export function checkControlTower(templates: ReadonlyMap<string, unknown>): Map<string, ControlTowerReport> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  try {
    const files = new Map([...templates.keys()].map((name, i) => [path.join(directory, `template-${i}.json`), name]));
    for (const [file, name] of files) fs.writeFileSync(file, JSON.stringify(templates.get(name)));
    const guard = spawnSync(
      guardBinary(),
      ['validate', '--rules', RULES_DIRECTORY, ...[...files.keys()].flatMap((file) => ['--data', file]), '--output-format', 'json', '--show-summary', 'none', '--structured'],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (guard.status !== GUARD_EXIT_PASS && guard.status !== GUARD_EXIT_FAIL) {
      throw new Error(`cfn-guard exited with ${guard.status ?? guard.signal}: ${guard.stderr || guard.error?.message}`);
    }
    const results = JSON.parse(guard.stdout) as GuardFileResult[];
    return new Map(results.map((result) => [files.get(result.name)!, reportOf(result)]));
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

function reportOf(result: GuardFileResult): ControlTowerReport {
  const byRule = new Map(controlTowerControls().map((control) => [control.rule, control]));
  const failed = new Set(result.not_compliant.map(({ Rule }) => Rule.name));
  const passed = new Set(result.compliant);
  const failures = result.not_compliant.map(({ Rule }) => ({
    control: byRule.get(Rule.name)?.id ?? Rule.name,
    rule: Rule.name,
    resources: [...new Set(stringsAt(Rule, 'path').flatMap((p) => /^\/Resources\/([^/]+)/.exec(p)?.[1] ?? []))].sort(),
    message: failureMessage(Rule),
  }));
  return {
    failures,
    status: (controlId) => {
      const control = controlTowerControls().find((c) => c.id === controlId);
      if (!control) throw new Error(`no Control Tower control ${controlId} in @cdklabs/cdk-validator-cfnguard ${VALIDATOR_VERSION}`);
      if (failed.has(control.rule)) return 'fail';
      return passed.has(control.rule) ? 'pass' : 'not applicable';
    },
  };
}

/** cfn-guard's first reason ("property [VpcConfig] is missing") and the rule's `[FIX]` line. */
function failureMessage(rule: unknown): string {
  const reason = stringsAt(rule, 'error_message')
    .map((text) => text.split(/\.? Value traversed to/)[0].trim())
    .find((text) => text !== '');
  const fix = stringsAt(rule, 'custom_message')
    .flatMap((text) => /\[FIX\]:\s*(.+)/.exec(text)?.[1] ?? [])
    .find((text) => text !== '');
  return [reason, fix && `Fix: ${fix}`].filter((part) => part).join('. ');
}

/** Every string under `key`, anywhere in cfn-guard's nested checks. */
function stringsAt(value: unknown, key: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => stringsAt(item, key));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === key && typeof v === 'string' ? [v] : stringsAt(v, key)));
}
