/**
 * The AWS Control Tower proactive controls, run as `@cdklabs/cdk-validator-cfnguard` ships them, over
 * the templates of the deployable app (default, tag, ARN and dry-run settings) and of the construct in
 * a VPC. An OU that enables a control blocks a stack whose template fails it; only CT.LAMBDA.PR.3 (a
 * function in a VPC) may fail, and only without `vpc`.
 *
 * docs/control-tower.md's status table is this run's result: the test fails when it differs, and
 * `npm run docs:control-tower` (CONTROL_TOWER_DOCS_UPDATE=1) writes it again.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defineApp } from '../../bin/app';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { CFN_GUARD_VERSION, VALIDATOR_VERSION, checkControlTower, controlTowerControls, type ControlTowerReport, type ControlFailure } from '../support/cfn-guard';

const DOCS_FILE = path.join(__dirname, '..', '..', 'docs', 'control-tower.md');
const BEGIN_MARKER = '<!-- control-tower-status:begin -->';
const END_MARKER = '<!-- control-tower-status:end -->';
const UPDATE_DOCS = process.env.CONTROL_TOWER_DOCS_UPDATE === '1';

/** A synthesized configuration, and the controls its template must fail (no more, no fewer). */
interface Configuration {
  /** The column heading in docs/control-tower.md. */
  readonly name: string;
  /** How to get it, for the docs. */
  readonly description: string;
  readonly failing: readonly string[];
  readonly template: () => unknown;
}

/** The deployable app's template with these `-c` settings, cdk-nag's checks included, as `cdk synth` makes it. */
function appTemplate(context: Record<string, string>): unknown {
  const app = new App({ context });
  const stack = defineApp(app);
  return app.synth().getStackByName(stack.stackName).template;
}

/**
 * A VPC as a platform team hands it over: imported, private subnets only (a new `ec2.Vpc` with public
 * subnets fails CT.EC2.PR.11, and cdk-nag wants flow logs on a VPC the stack creates).
 */
function importedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetIds: ['subnet-0fedcba9876543210', 'subnet-0fedcba9876543211'],
  });
}

/** The scheduler of the default app, in `vpc`, in an app that runs cdk-nag's checks like the deployable one. */
function vpcTemplate(addNetwork: (stack: Stack, vpc: ec2.IVpc) => Partial<AppRunnerSchedulerProps>): unknown {
  const app = new App();
  const stack = new Stack(app, 'AppRunnerScheduler');
  const vpc = importedVpc(stack);
  new AppRunnerScheduler(stack, 'Scheduler', { tags: { 'apprunner-scheduler:schedule': 'office-hours' }, pauseAt: '19:00', resumeAt: '07:00', vpc, ...addNetwork(stack, vpc) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app.synth().getStackByName(stack.stackName).template;
}

const CONFIGURATIONS: readonly Configuration[] = [
  { name: 'default app', description: '`npx cdk synth`', failing: ['CT.LAMBDA.PR.3'], template: () => appTemplate({}) },
  {
    name: 'tags',
    description: '`-c tags=env=dev,team=web -c regions=eu-west-1,us-east-1`',
    failing: ['CT.LAMBDA.PR.3'],
    template: () => appTemplate({ tags: 'env=dev,team=web', regions: 'eu-west-1,us-east-1' }),
  },
  {
    name: 'ARNs',
    description: '`-c services=arn:aws:apprunner:eu-west-1:111122223333:service/webapp/0123456789abcdef0123456789abcdef`',
    failing: ['CT.LAMBDA.PR.3'],
    template: () => appTemplate({ services: 'arn:aws:apprunner:eu-west-1:111122223333:service/webapp/0123456789abcdef0123456789abcdef' }),
  },
  { name: 'dry run', description: '`-c dryRun=true`', failing: ['CT.LAMBDA.PR.3'], template: () => appTemplate({ dryRun: 'true' }) },
  {
    name: 'vpc',
    description: 'the construct with `vpc` (an imported VPC\'s private subnets; the function gets a security group of its own)',
    failing: [],
    template: () => vpcTemplate(() => ({})),
  },
  {
    name: 'vpc + endpoints',
    description:
      'the construct with `vpc`, `vpcSubnets` (isolated subnets), `securityGroups` (HTTPS out to the VPC only) and the App Runner and Tagging interface endpoints',
    failing: [],
    template: () =>
      vpcTemplate((stack, vpc) => {
        vpc.addInterfaceEndpoint('AppRunnerEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.APP_RUNNER });
        vpc.addInterfaceEndpoint('TaggingEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.TAGGING });
        const functionSecurityGroup = new ec2.SecurityGroup(stack, 'FunctionSecurityGroup', {
          vpc,
          description: 'The App Runner scheduler function: HTTPS to the VPC endpoints only',
          allowAllOutbound: false,
        });
        functionSecurityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the interface endpoints');
        return { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [functionSecurityGroup] };
      }),
  },
];

/** One line per failing control, naming its rule, the resources and cfn-guard's message. */
function failureLines(report: ControlTowerReport): string[] {
  const byControl = new Map<string, ControlFailure[]>();
  for (const failure of report.failures) byControl.set(failure.control, [...(byControl.get(failure.control) ?? []), failure]);
  return [...byControl.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([control, failures]) => {
      const rules = [...new Set(failures.map((f) => f.rule))].join(', ');
      const resources = [...new Set(failures.flatMap((f) => f.resources))].join(', ');
      return `${control} (${rules}) fails on ${resources}: ${[...new Set(failures.map((f) => f.message))].join(' / ')}`;
    });
}

/** The control ids that evaluate a resource type that some configuration's template has, in order. */
function applicableControls(templates: readonly unknown[]) {
  const types = new Set(templates.flatMap((t) => Object.values((t as { Resources: Record<string, { Type: string }> }).Resources).map((r) => r.Type)));
  return controlTowerControls().filter((control) => control.resourceTypes.some((type) => types.has(type)));
}

/** docs/control-tower.md's generated section, between the markers. */
function statusSection(templates: readonly unknown[], reports: readonly ControlTowerReport[]): string {
  const controls = applicableControls(templates);
  const cell = { 'pass': 'pass', 'fail': '**FAIL**', 'not applicable': 'n/a' } as const;
  return [
    BEGIN_MARKER,
    `<!-- Written by test/construct/control-tower.test.ts from its cfn-guard run: \`npm run docs:control-tower\` rewrites it. -->`,
    '',
    `The rules of \`@cdklabs/cdk-validator-cfnguard\` ${VALIDATOR_VERSION} (cfn-guard ${CFN_GUARD_VERSION}) hold ` +
      `${controlTowerControls().length} proactive controls; these ${controls.length} evaluate a resource type that one of the templates has.`,
    '',
    ...CONFIGURATIONS.map((c) => `- **${c.name}**: ${c.description}`),
    '',
    `| Control | Requires | Severity | ${CONFIGURATIONS.map((c) => c.name).join(' | ')} |`,
    `|---|---|---|${CONFIGURATIONS.map(() => '---').join('|')}|`,
    ...controls.map((control) => `| ${control.id} | ${control.title} | ${control.severity} | ${reports.map((r) => cell[r.status(control.id)]).join(' | ')} |`),
    '',
    END_MARKER,
  ].join('\n');
}

/** The section of the docs between the markers, markers included. */
function documentedSection(docs: string): string {
  const begin = docs.indexOf(BEGIN_MARKER);
  const end = docs.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`docs/control-tower.md has no ${BEGIN_MARKER} ... ${END_MARKER} section`);
  return docs.slice(begin, end + END_MARKER.length);
}

/** The control ids of the hand-written table of how each is met (the rows after "## How"). */
function explainedControls(docs: string): string[] {
  const how = docs.slice(docs.indexOf('\n## How each control is met'));
  const table = how.slice(0, how.indexOf('\n## ', 1));
  return [...table.matchAll(/^\| (CT\.[A-Z0-9]+\.PR\.\d+) \|/gm)].map((match) => match[1]);
}

describe('AWS Control Tower proactive controls', () => {
  const templates: unknown[] = [];
  const reports: ControlTowerReport[] = [];

  beforeAll(() => {
    templates.push(...CONFIGURATIONS.map((configuration) => configuration.template()));
    const byName = checkControlTower(new Map(CONFIGURATIONS.map((c, i) => [c.name, templates[i]])));
    reports.push(...CONFIGURATIONS.map((c) => byName.get(c.name)!));
  }, 120_000);

  describe.each(CONFIGURATIONS.map((c, i) => [c.name, c, i] as const))('with %s', (_, configuration, i) => {
    const what = configuration.failing.length === 0 ? 'pass every control' : `fail only ${configuration.failing.join(', ')}`;
    it(what, () => {
      expect(failureLines(reports[i])).toEqual(configuration.failing.map((id) => expect.stringMatching(new RegExp(`^${id.replace(/\./g, '\\.')} `))));
    });
  });

  it('fail CT.LAMBDA.PR.3 on the function for want of a VpcConfig', () => {
    expect(reports[0].failures).toEqual([
      expect.objectContaining({ control: 'CT.LAMBDA.PR.3', resources: ['SchedulerFunctionA1BD39EF'], message: expect.stringContaining('[VpcConfig] is missing') }),
    ]);
  });

  it(`are shown as they are in docs/control-tower.md (CONTROL_TOWER_DOCS_UPDATE=1 rewrites it)`, () => {
    const docs = fs.readFileSync(DOCS_FILE, 'utf8');
    const generated = statusSection(templates, reports);
    if (UPDATE_DOCS) fs.writeFileSync(DOCS_FILE, docs.replace(documentedSection(docs), generated));
    expect(documentedSection(fs.readFileSync(DOCS_FILE, 'utf8'))).toEqual(generated);
  });

  it('are each explained in docs/control-tower.md, and only those', () => {
    const docs = fs.readFileSync(DOCS_FILE, 'utf8');
    expect(explainedControls(docs)).toEqual(applicableControls(templates).map((control) => control.id));
  });
});
