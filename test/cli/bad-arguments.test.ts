/**
 * A bad argument exits 2 with a message naming the argument, the value received and what is
 * accepted, and calls nothing: the emulator sees no request at all.
 */
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { cli, emulatorEnvironment } from './cli-support';

let emulator: AppRunnerEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.addService({ name: 'web-api' });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => emulator.clearCalls());

test.each([
  [['stauts'], 'command: received "stauts"; expected one of status, plan, pause, resume, snooze, wake, --help or --version'],
  [['status', '--tag', 'env=dev'], "arguments: received \"--tag env=dev\"; expected the options of status: Unknown option '--tag'"],
  [['status', '--tags', 'env'], '--tags: received "env"; expected key=value pairs separated by commas, e.g. env=dev,team=web'],
  [['status', '--tags', 'aws:env=dev'], '--tags: received "aws:env"; expected a tag key that does not start with "aws:"'],
  [['status', '--regions', 'Ireland'], '--regions: received "Ireland"; expected AWS region names such as "eu-west-1"'],
  [['status', '--time-zone', 'Europe/Londres'], '--time-zone: received "Europe/Londres"; expected an IANA time zone such as "Europe/London" or "UTC"'],
  [['status', '--services', 'web'], `--services[0]: received "web"; expected an App Runner service ARN, or a service name (4-40 letters, digits, '-' or '_', starting with a letter or digit)`],
  [['plan'], 'action: received nothing; expected plan pause or plan resume'],
  [['plan', 'sleep', '--tags', 'env=dev'], 'action: received "sleep"; expected plan pause or plan resume'],
  [['pause'], '--services: received nothing; expected a selection: --tags key=value,..., --services ARN-or-name,..., or both'],
  [['pause', '--tags', 'env=dev', '--deploy', 'always'], "expected the options of pause: Unknown option '--deploy'"],
  [['resume', '--tags', 'env=dev', '--deploy', 'Always'], '--deploy: received "Always"; expected one of never, auto, always'],
  [['resume', '--tags', 'env=dev', '--for', '2h'], '--for: received "2h"; expected it together with --function NAME: the pause at the end of the wake is run by the deployed function'],
  [['resume', '--tags', 'env=dev', '--until', '23:00'], '--until: received "23:00"; expected it together with --function NAME'],
  [['snooze', 'web-api'], '--until: received nothing; expected --until (a local time HH:MM'],
  [['snooze', 'web-api', '--until', '25:00'], '--until: received "25:00"; expected a local time HH:MM (today, or tomorrow once past)'],
  [['snooze', 'web-api', '--for', '3 hours'], '--for: received "3 hours"; expected a duration such as 90m, 3h, 1h30m, 2d or PT2H'],
  [['snooze', 'web-api', '--for', '0h'], '--for: received "0h"; expected a duration such as 90m'],
  [['snooze', 'web-api', '--for', '3h', '--until', '22:00'], '--for: received "3h"; expected either --for or --until, not both'],
  [['snooze', '--for', '3h'], 'service: received nothing; expected an App Runner service ARN, or a service name'],
  [['snooze', 'web-api', 'web-admin', '--for', '3h'], 'arguments: received "web-admin"; expected one service only after snooze'],
  [['snooze', 'web-api', '--for', '3h', '--region', 'west'], '--region: received "west"; expected AWS region names such as "eu-west-1"'],
  [['wake', 'web-api', '--for', '2h'], "--function: received nothing; expected the scheduler's function name: a wake is run by the deployed function"],
  [['wake', 'web-api', '--function', 'fn'], '--until: received nothing; expected --until'],
])('%j exits 2: %s', async (argv, message) => {
  const { code, stdout, stderr } = await cli(emulator, argv);

  expect(code).toBe(2);
  expect(stderr).toContain(message);
  expect(stderr).toContain('Nothing was changed. See cdk-apprunner-scheduler');
  expect(stdout).toBe('');
  expect(emulator.calls).toHaveLength(0);
});

test('every problem of one command line is named at once', async () => {
  const { code, stderr } = await cli(emulator, ['status', '--tags', 'env', '--regions', 'Ireland', '--time-zone', 'Mars/Olympus']);
  expect(code).toBe(2);
  expect(stderr.split('\n').filter((l) => /^(cdk-apprunner-scheduler status: )?--(tags|regions|time-zone):/.test(l))).toHaveLength(3);
  expect(emulator.calls).toHaveLength(0);
});

test.each([[['--help']], [[]], [['help', 'snooze']], [['status', '--help']], [['wake', '-h']], [['--version']]])('%j prints help or the version and exits 0, calling nothing', async (argv) => {
  const { code, stdout } = await cli(emulator, argv);
  expect(code).toBe(0);
  expect(stdout).toMatch(argv[0] === '--version' ? /^\d+\.\d+\.\d+\n$/ : /^Usage: cdk-apprunner-scheduler /);
  expect(emulator.calls).toHaveLength(0);
});

test.each([
  [['wake', 'web-api', '--for', '25h', '--function', 'fn'], '--for: received "PT25H"; expected an ISO-8601 date-time'],
  [['resume', '--tags', 'env=dev', '--for', '2d', '--function', 'fn'], '--for: received "PT48H"; expected an ISO-8601 date-time'],
])('%j: a wake longer than the contract allows exits 2, calling nothing', async (argv, message) => {
  const { code, stderr } = await cli(emulator, argv);
  expect(code).toBe(2);
  expect(stderr).toContain(message);
  expect(stderr).toContain('at most 24 hours ahead');
  expect(emulator.calls).toHaveLength(0);
});

test('without a region anywhere, a name lookup exits 2 asking for one, calling nothing', async () => {
  const env = { ...emulatorEnvironment(emulator.endpoint), AWS_REGION: '' };
  const { code, stderr } = await cli(emulator, ['snooze', 'web-api', '--for', '3h'], { env });
  expect(code).toBe(2);
  expect(stderr).toContain('--region: received no region; expected a region: set AWS_REGION (or a region in your AWS profile), or pass it as an argument');
  expect(emulator.calls).toHaveLength(0);
});
