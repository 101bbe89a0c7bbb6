/**
 * Values the event contract rejects, each with the field it names and its exact message. The
 * contract's own suite pins the messages; the construct's suite passes the same values as props from
 * JavaScript and checks that the synth fails naming the same field. A row added here extends both.
 */
import { SERVICE_ARN_FORMAT } from '../../contract/event';

export const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';

const ARNS_ACCEPTED = `App Runner service ARNs (${SERVICE_ARN_FORMAT})`;
const TAGS_ACCEPTED = 'an object of tag keys to string values, e.g. {"env":"dev"}';
const ACCOUNTS_ACCEPTED = '12-digit AWS account IDs such as "123456789012"';
const TIME_ZONE_ACCEPTED = 'an IANA time zone such as "Europe/London" or "UTC"';

/** One rejected value. */
export interface RejectedEventValue {
  /** What is wrong, for the test name. */
  readonly name: string;
  /** The event's fields besides `action`; each is also a prop of the construct by the same name. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The field the problem names. */
  readonly field: string;
  /** The problem's exact message. */
  readonly message: string;
}

export const REJECTED_EVENT_VALUES: readonly RejectedEventValue[] = [
  {
    name: 'an event that selects nothing',
    fields: {},
    field: 'services',
    message: 'services: received nothing; expected service ARNs in "services", tags in "tags", or both: an event must select something',
  },
  { name: 'one ARN, not a list', fields: { services: ARN }, field: 'services', message: `services: received "${ARN}"; expected a list of ${ARNS_ACCEPTED}` },
  { name: 'an empty list of ARNs', fields: { services: [] }, field: 'services', message: `services: received []; expected a non-empty list of ${ARNS_ACCEPTED} (leave the field out instead)` },
  {
    name: 'a malformed ARN',
    fields: { services: [ARN, 'arn:aws:apprunner:eu-west-1:123:service/web'] },
    field: 'services[1]',
    message: `services[1]: received "arn:aws:apprunner:eu-west-1:123:service/web"; expected ${ARNS_ACCEPTED}`,
  },
  { name: 'a number among the ARNs', fields: { services: [42] }, field: 'services[0]', message: `services[0]: received 42; expected ${ARNS_ACCEPTED}` },
  {
    name: 'more ARNs than a run takes',
    fields: { services: Array<string>(1001).fill(ARN) },
    field: 'services',
    message: 'services: received "1001 items"; expected at most 1000 items',
  },
  { name: 'tags as a string', fields: { tags: 'env=dev' }, field: 'tags', message: `tags: received "env=dev"; expected ${TAGS_ACCEPTED}` },
  { name: 'an empty tag object', fields: { tags: {} }, field: 'tags', message: `tags: received {}; expected ${TAGS_ACCEPTED}, with at least one tag (leave the field out instead)` },
  {
    name: 'a tag key in the aws: namespace',
    fields: { tags: { 'aws:env': 'dev' } },
    field: 'tags["aws:env"]',
    message: 'tags["aws:env"]: received "aws:env"; expected a tag key that does not start with "aws:"',
  },
  { name: 'an empty tag key', fields: { tags: { '': 'dev' } }, field: 'tags[""]', message: 'tags[""]: received ""; expected a tag key of 1-128 characters' },
  {
    name: 'a tag value over 256 characters',
    fields: { tags: { env: 'x'.repeat(257) } },
    field: 'tags.env',
    message: `tags.env: received "${'x'.repeat(116)}...; expected a string of 0-256 characters`,
  },
  { name: 'a tag value that is a number', fields: { tags: { env: 1 } }, field: 'tags.env', message: 'tags.env: received 1; expected a string of 0-256 characters' },
  {
    name: 'more tags than the Tagging API filters on',
    fields: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    field: 'tags',
    message: 'tags: received "51 tags"; expected at most 50 tags',
  },
  {
    name: 'regions without tags',
    fields: { services: [ARN], regions: ['eu-west-1'] },
    field: 'regions',
    message: 'regions: received ["eu-west-1"]; expected regions only together with "tags" (a listed ARN is called in its own region)',
  },
  {
    name: 'a malformed region',
    fields: { tags: { env: 'dev' }, regions: ['Ireland'] },
    field: 'regions[0]',
    message: 'regions[0]: received "Ireland"; expected AWS region names such as "eu-west-1"',
  },
  {
    name: 'an empty region list',
    fields: { tags: { env: 'dev' }, regions: [] },
    field: 'regions',
    message: 'regions: received []; expected a non-empty list of AWS region names such as "eu-west-1" (leave the field out instead)',
  },
  {
    name: 'one region, not a list',
    fields: { tags: { env: 'dev' }, regions: 'eu-west-1' },
    field: 'regions',
    message: 'regions: received "eu-west-1"; expected a list of AWS region names such as "eu-west-1"',
  },
  {
    name: 'more regions than a run takes',
    fields: { tags: { env: 'dev' }, regions: Array<string>(41).fill('eu-west-1') },
    field: 'regions',
    message: 'regions: received "41 items"; expected at most 40 items',
  },
  {
    name: 'a deployment policy in the wrong case',
    fields: { services: [ARN], deployAfterResume: 'Always' },
    field: 'deployAfterResume',
    message: 'deployAfterResume: received "Always"; expected one of "never", "auto", "always"',
  },
  {
    name: 'an unknown time zone',
    fields: { services: [ARN], timeZone: 'Mars/Olympus_Mons' },
    field: 'timeZone',
    message: `timeZone: received "Mars/Olympus_Mons"; expected ${TIME_ZONE_ACCEPTED}`,
  },
  { name: 'a time zone with a trailing space', fields: { services: [ARN], timeZone: 'Europe/London ' }, field: 'timeZone', message: `timeZone: received "Europe/London "; expected ${TIME_ZONE_ACCEPTED}` },
  { name: 'a time zone as a number', fields: { services: [ARN], timeZone: 1 }, field: 'timeZone', message: `timeZone: received 1; expected ${TIME_ZONE_ACCEPTED}` },
  {
    name: 'a holiday that is no date',
    fields: { services: [ARN], holidays: ['2026-12-25', '2026-02-30'] },
    field: 'holidays[1]',
    message: 'holidays[1]: received "2026-02-30"; expected real dates written YYYY-MM-DD',
  },
  {
    name: 'a holiday in another format',
    fields: { services: [ARN], holidays: ['25/12/2026'] },
    field: 'holidays[0]',
    message: 'holidays[0]: received "25/12/2026"; expected real dates written YYYY-MM-DD',
  },
  {
    name: 'one holiday, not a list',
    fields: { services: [ARN], holidays: '2026-12-25' },
    field: 'holidays',
    message: 'holidays: received "2026-12-25"; expected a list of real dates written YYYY-MM-DD',
  },
  {
    name: 'an empty holiday list',
    fields: { services: [ARN], holidays: [] },
    field: 'holidays',
    message: 'holidays: received []; expected a non-empty list of real dates written YYYY-MM-DD (leave the field out instead)',
  },
  {
    name: 'more holidays than a run takes',
    fields: { services: [ARN], holidays: Array<string>(1001).fill('2026-12-25') },
    field: 'holidays',
    message: 'holidays: received "1001 items"; expected at most 1000 items',
  },
  { name: 'a dry-run flag as text', fields: { services: [ARN], dryRun: 'yes' }, field: 'dryRun', message: 'dryRun: received "yes"; expected true or false' },
  {
    name: 'a resume flag as text',
    fields: { services: [ARN], resumeManuallyPaused: 'true' },
    field: 'resumeManuallyPaused',
    message: 'resumeManuallyPaused: received "true"; expected true or false',
  },
];

/**
 * Names the event's `schedule` field rejects, with the exact message. A named schedule's name is the
 * very value its events carry, so the construct's `addSchedule(name)` can refuse the same names.
 */
export const REJECTED_SCHEDULE_NAMES: readonly { readonly name: string; readonly value: unknown; readonly message: string }[] = [
  { name: 'an empty name', value: '', message: 'schedule: received ""; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"' },
  { name: 'a name with a space', value: 'new york', message: 'schedule: received "new york"; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"' },
  { name: 'a name starting with a dash', value: '-london', message: 'schedule: received "-london"; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"' },
  { name: 'a name of 33 characters', value: 'x'.repeat(33), message: `schedule: received "${'x'.repeat(33)}"; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"` },
  { name: 'a name as a list', value: ['london'], message: 'schedule: received ["london"]; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"' },
];

/**
 * The rows of `accounts`. The contract's suite takes them with the others; they join
 * `REJECTED_EVENT_VALUES` (and so the construct's suite) once the construct has the `accounts` prop
 * that sends them in its events.
 */
export const REJECTED_ACCOUNTS_VALUES: readonly RejectedEventValue[] = [
  {
    name: 'accounts without tags',
    fields: { services: [ARN], accounts: ['210987654321'] },
    field: 'accounts',
    message: 'accounts: received ["210987654321"]; expected accounts only together with "tags" (a listed ARN is called in its own account)',
  },
  {
    name: 'an account ID that is too short',
    fields: { tags: { env: 'dev' }, accounts: ['123456789012', '12345'] },
    field: 'accounts[1]',
    message: `accounts[1]: received "12345"; expected ${ACCOUNTS_ACCEPTED}`,
  },
  {
    name: 'an account ID as a number',
    fields: { tags: { env: 'dev' }, accounts: [123456789012] },
    field: 'accounts[0]',
    message: `accounts[0]: received 123456789012; expected ${ACCOUNTS_ACCEPTED}`,
  },
  {
    name: 'an account alias, not its ID',
    fields: { tags: { env: 'dev' }, accounts: ['staging'] },
    field: 'accounts[0]',
    message: `accounts[0]: received "staging"; expected ${ACCOUNTS_ACCEPTED}`,
  },
  {
    name: 'one account, not a list',
    fields: { tags: { env: 'dev' }, accounts: '123456789012' },
    field: 'accounts',
    message: `accounts: received "123456789012"; expected a list of ${ACCOUNTS_ACCEPTED}`,
  },
  {
    name: 'an empty account list',
    fields: { tags: { env: 'dev' }, accounts: [] },
    field: 'accounts',
    message: `accounts: received []; expected a non-empty list of ${ACCOUNTS_ACCEPTED} (leave the field out instead)`,
  },
  {
    name: 'more accounts than a run takes',
    fields: { tags: { env: 'dev' }, accounts: Array.from({ length: 101 }, (_, i) => String(100000000000 + i)) },
    field: 'accounts',
    message: 'accounts: received "101 items"; expected at most 100 items',
  },
];
