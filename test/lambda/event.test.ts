import { InvalidEventError, parseEvent, isLocalDate, parseServiceArn } from '../../lambda/event';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';
const OPTIONS = { defaultRegion: 'eu-west-1' };

function problemsOf(event: unknown, options = OPTIONS) {
  try {
    parseEvent(event, options);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('the event was accepted');
}

describe('event contract', () => {
  it('fills in every default', () => {
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' } }, OPTIONS)).toEqual({
      action: 'pause',
      services: [],
      tags: { env: 'dev' },
      regions: ['eu-west-1'],
      deployAfterResume: 'auto',
      timeZone: 'UTC',
      holidays: [],
      dryRun: false,
      resumeManuallyPaused: false,
    });
  });

  it('keeps every field it is given, and lists a repeated ARN once', () => {
    const request = parseEvent(
      {
        action: 'resume',
        services: [ARN, ARN],
        tags: { env: 'dev', team: '' },
        regions: ['us-east-1', 'eu-west-1'],
        deployAfterResume: 'always',
        timeZone: 'Europe/London',
        holidays: ['2026-12-25', '2028-02-29'],
        dryRun: true,
        resumeManuallyPaused: true,
      },
      OPTIONS,
    );
    expect(request).toEqual({
      action: 'resume',
      services: [ARN],
      tags: { env: 'dev', team: '' },
      regions: ['us-east-1', 'eu-west-1'],
      deployAfterResume: 'always',
      timeZone: 'Europe/London',
      holidays: ['2026-12-25', '2028-02-29'],
      dryRun: true,
      resumeManuallyPaused: true,
    });
  });

  it('needs no region for ARN selection: each ARN is called in its own region', () => {
    expect(parseEvent({ action: 'pause', services: [ARN] }, {}).regions).toEqual([]);
  });

  it('names every bad field at once', () => {
    expect(problemsOf({ action: 'stop', dryRun: 'yes' }).map((p) => p.field)).toEqual(['action', 'dryRun', 'services']);
  });

  it('says what was received and what is accepted', () => {
    expect(() => parseEvent({ action: 'pause', services: ['arn:aws:lambda:eu-west-1:123456789012:function:x'] }, OPTIONS)).toThrow(
      'Invalid scheduler event: services[0]: received "arn:aws:lambda:eu-west-1:123456789012:function:x"; expected App Runner service ARNs (arn:<partition>:apprunner:<region>:<12-digit account>:service/<name>/<32 hex id>)',
    );
  });
});

describe('service ARNs', () => {
  it('splits a valid ARN', () => {
    expect(parseServiceArn(ARN)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      serviceName: 'web-api',
      serviceId: '0123456789abcdef0123456789abcdef',
    });
  });

  test.each([
    ['another service', 'arn:aws:ecs:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a short account', 'arn:aws:apprunner:eu-west-1:12345:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a short id', 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123'],
    ['a name too short', 'arn:aws:apprunner:eu-west-1:123456789012:service/web/0123456789abcdef0123456789abcdef'],
    ['no region', 'arn:aws:apprunner::123456789012:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a connection', 'arn:aws:apprunner:eu-west-1:123456789012:connection/web-api/0123456789abcdef0123456789abcdef'],
  ])('rejects %s', (_name, arn) => {
    expect(parseServiceArn(arn)).toBeUndefined();
  });
});

describe('dates', () => {
  test.each([
    ['2026-12-25', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['26-12-25', false],
    ['2026-12-25T00:00:00Z', false],
  ])('%s is a real date: %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });
});
