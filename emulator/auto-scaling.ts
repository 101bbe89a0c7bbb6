/**
 * The emulator's auto scaling configurations: what DescribeAutoScalingConfiguration answers, and what
 * a service's AutoScalingConfigurationSummary names. Per Region, like every App Runner resource.
 *
 * From the App Runner model (2020-05-15): MinSize and MaxSize are 1-25, MaxConcurrency 1-200, a name
 * is 4-32 characters (`[A-Za-z0-9][A-Za-z0-9-_]{3,31}`); creating a configuration with a name that
 * exists adds a revision (1, 2, ...); the ARN is
 * `arn:aws:apprunner:<region>:<account>:autoscalingconfiguration/<name>/<revision>/<32 hex id>`, and
 * DescribeAutoScalingConfiguration also takes a partial ARN ending in `/<name>` or `/<name>/<revision>`
 * (a name alone: the latest active revision). A service created without a configuration gets the
 * Region's default, `DefaultConfiguration` revision 1, with CreateAutoScalingConfiguration's documented
 * defaults: MinSize 1, MaxSize 25, MaxConcurrency 100.
 *
 * Where the public material is silent, the emulator chooses: the id of a configuration is derived from
 * its Region, name and revision (the default's is 32 zeros), so that adding one never shifts the
 * seeded ids of services and operations; configurations are never deleted (no Delete call is served).
 */
import { createHash } from 'node:crypto';

/** One revision of a configuration. Times are epoch ms. */
export interface AutoScalingConfigurationRecord {
  readonly arn: string;
  readonly region: string;
  readonly name: string;
  readonly revision: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly maxConcurrency: number;
  readonly createdAt: number;
  readonly isDefault: boolean;
}

/** What a new configuration needs; the sizes not given take CreateAutoScalingConfiguration's defaults. */
export interface NewAutoScalingConfiguration {
  readonly region: string;
  readonly name: string;
  /** @default 1 */
  readonly minSize?: number;
  /** @default 25 */
  readonly maxSize?: number;
  /** @default 100 */
  readonly maxConcurrency?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9\-_]{3,31}$/;
const DEFAULT_NAME = 'DefaultConfiguration';

function checkRange(field: string, value: number, min: number, max: number): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) throw new Error(`${field} must be an integer from ${min} to ${max} (the model's range), got ${value}`);
}

/** The configurations of one account. */
export class AutoScalingConfigurations {
  private readonly byArn = new Map<string, AutoScalingConfigurationRecord>();

  constructor(
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  /** The Region's default configuration, created on first use. */
  defaultFor(region: string): AutoScalingConfigurationRecord {
    const arn = `arn:aws:apprunner:${region}:${this.account}:autoscalingconfiguration/${DEFAULT_NAME}/1/${'0'.repeat(32)}`;
    const existing = this.byArn.get(arn);
    if (existing) return existing;
    const record = { arn, region, name: DEFAULT_NAME, revision: 1, minSize: 1, maxSize: 25, maxConcurrency: 100, createdAt: this.now(), isDefault: true };
    this.byArn.set(arn, record);
    return record;
  }

  /** Adds a revision of a configuration (revision 1 for a new name); throws on values outside the model's ranges. */
  create(spec: NewAutoScalingConfiguration): AutoScalingConfigurationRecord {
    if (!NAME.test(spec.name)) throw new Error(`auto scaling configuration name '${spec.name}' does not match ${NAME} (the model's AutoScalingConfigurationName)`);
    const minSize = spec.minSize ?? 1;
    const maxSize = spec.maxSize ?? 25;
    const maxConcurrency = spec.maxConcurrency ?? 100;
    checkRange('minSize', minSize, 1, 25);
    checkRange('maxSize', maxSize, 1, 25);
    checkRange('maxConcurrency', maxConcurrency, 1, 200);
    if (minSize > maxSize) throw new Error(`minSize (${minSize}) must not exceed maxSize (${maxSize})`);
    const revision = this.revisions(spec.region, spec.name).length + 1;
    const id = createHash('md5').update(`${spec.region}/${spec.name}/${revision}`).digest('hex');
    const arn = `arn:aws:apprunner:${spec.region}:${this.account}:autoscalingconfiguration/${spec.name}/${revision}/${id}`;
    const record = { arn, region: spec.region, name: spec.name, revision, minSize, maxSize, maxConcurrency, createdAt: this.now(), isDefault: false };
    this.byArn.set(arn, record);
    return record;
  }

  /** Whether this is the newest revision of its name. */
  isLatest(record: AutoScalingConfigurationRecord): boolean {
    return this.revisions(record.region, record.name).every((r) => r.revision <= record.revision);
  }

  /** A configuration of `region` by full ARN, or by partial ARN ending in `/<name>` (latest revision) or `/<name>/<revision>`. */
  lookup(region: string, arn: string): AutoScalingConfigurationRecord | undefined {
    const full = this.byArn.get(arn);
    if (full) return full.region === region ? full : undefined;
    const m = /^arn:aws:apprunner:([^:]+):(\d{12}):autoscalingconfiguration\/([^/]+)(?:\/(\d+))?$/.exec(arn);
    if (!m || m[1] !== region || m[2] !== this.account) return undefined;
    if (m[3] === DEFAULT_NAME) this.defaultFor(region);
    const revisions = this.revisions(region, m[3]);
    if (m[4] !== undefined) return revisions.find((r) => r.revision === Number(m[4]));
    return revisions.reduce<AutoScalingConfigurationRecord | undefined>((latest, r) => (!latest || r.revision > latest.revision ? r : latest), undefined);
  }

  private revisions(region: string, name: string): AutoScalingConfigurationRecord[] {
    return [...this.byArn.values()].filter((r) => r.region === region && r.name === name);
  }
}
