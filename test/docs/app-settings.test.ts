/**
 * The app's settings as the README shows them: every `npx cdk synth` or `npx cdk deploy` command in
 * its shell blocks, with its `-c key=value` context, and the JSON config file, build the app's
 * stack. The app refuses context keys it does not know, and each `-c` setting of a command must also
 * change what the stack holds (its schedules, their inputs, the alarm's subscriptions, the stack
 * name), so a setting shown in the README is one that does something. The `aws lambda invoke`
 * payloads are events the function accepts, and `$(output Name)` names an output of the stack.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import { defineApp } from '../../bin/app';
import { parseEvent } from '../../contract/event';
import { codeBlocks, type CodeBlock } from './markdown';

/** A CDK command shown in the README, and the context it sets. */
interface CdkCommand {
  readonly title: string;
  readonly context: Readonly<Record<string, string>>;
}

/** The `npx cdk synth|deploy` commands of a shell block, continuation lines joined and comments dropped. */
function cdkCommands(block: CodeBlock): CdkCommand[] {
  const commands: CdkCommand[] = [];
  const lines = block.code.split('\n');
  for (let first = 0; first < lines.length; first++) {
    let line = lines[first];
    let last = first;
    while (line.endsWith('\\') && last + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++last]}`;
    const words = line.replace(/(^|\s)#.*$/, '').trim().split(/\s+/);
    if (words[0] === 'npx' && words[1] === 'cdk' && ['synth', 'deploy'].includes(words[2])) {
      const context: Record<string, string> = {};
      words.forEach((word, i) => {
        if (word !== '-c' && word !== '--context') return;
        const [key, value] = words[i + 1].split(/=(.*)/s, 2);
        context[key] = value;
      });
      commands.push({ title: `${block.file}:${block.line + 1 + first}: ${words.slice(0, 3).join(' ')}`, context });
    }
    first = last;
  }
  return commands;
}

/** What the settings decide, read from the stack's resources without a synth. */
function whatTheStackHolds(stack: Stack): unknown {
  const constructs = stack.node.findAll();
  return {
    stackName: stack.stackName,
    schedules: constructs
      .filter((c): c is CfnSchedule => c instanceof CfnSchedule)
      .map((s) => stack.resolve({ expression: s.scheduleExpression, timeZone: s.scheduleExpressionTimezone, state: s.state, target: s.target })),
    alarmSubscriptions: constructs.filter((c): c is CfnSubscription => c instanceof CfnSubscription).map((s) => stack.resolve(s.endpoint)),
  };
}

function appStack(context: Readonly<Record<string, string>>): Stack {
  return defineApp(new App({ context }));
}

const readme = codeBlocks('README.md');
const commands = readme.filter((block) => block.language === 'sh').flatMap(cdkCommands);
const configFile = readme.find((block) => block.language === 'json' && block.textBefore.includes('-c config='));

describe('the app settings in the README', () => {
  it('show commands with context and a config file', () => {
    expect(commands.filter((command) => Object.keys(command.context).length > 0).length).toBeGreaterThan(0);
    expect(configFile).toBeDefined();
  });

  describe.each(commands.map((command) => [command.title, command] as const))('%s', (_title, command) => {
    it('builds the stack', () => {
      expect(() => appStack(command.context)).not.toThrow();
    });

    for (const key of Object.keys(command.context)) {
      it(`reads -c ${key}: without it the stack differs`, () => {
        const without = Object.fromEntries(Object.entries(command.context).filter(([k]) => k !== key));

        expect(whatTheStackHolds(appStack(without))).not.toEqual(whatTheStackHolds(appStack(command.context)));
      });
    }
  });

  it('show only events the function accepts as --payload', () => {
    const payloads = readme.filter((block) => block.language === 'sh').flatMap((block) => [...block.code.matchAll(/--payload '([^']*)'/g)].map((m) => m[1]));

    expect(payloads.length).toBeGreaterThan(0);
    for (const payload of payloads) expect(() => parseEvent(JSON.parse(payload), { defaultRegion: 'eu-west-1' })).not.toThrow();
  });

  it('look up only outputs the stack has', () => {
    const used = readme.filter((block) => block.language === 'sh').flatMap((block) => [...block.code.matchAll(/\$\(output (\w+)\)/g)].map((m) => m[1]));
    const outputs = Object.keys(Template.fromStack(appStack({})).findOutputs('*'));

    expect(used.length).toBeGreaterThan(0);
    expect(outputs).toEqual(expect.arrayContaining([...new Set(used)]));
  });

  it('builds the stack from the config file shown, every key of which the app accepts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apprunner-scheduler-config-'));
    try {
      const file = path.join(dir, 'scheduler.json');
      fs.writeFileSync(file, configFile!.code);

      expect(whatTheStackHolds(appStack({ config: file }))).not.toEqual(whatTheStackHolds(appStack({})));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
