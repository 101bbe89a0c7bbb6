/**
 * The savings rules, pure: reading instance sizes in both of the API's forms, the price table, the
 * paused time from the marker and the operation history, the figure, the run's total, and the cache
 * of auto scaling configurations.
 */
import type { AutoScalingSize, OperationRecord } from '../../lambda/app-runner';
import { PRICED_REGIONS, provisionedMemoryPrice } from '../../lambda/prices';
import { savingsTotal, type PausedTime, type ServiceOutcome, type ServiceSavings } from '../../lambda/report';
import { AutoScalingCache, markerPauseTime, measureSavings, parseMemoryGb, parseVcpu, pausedTime, savingsFigure } from '../../lambda/savings';

const HOUR = 3_600_000;
const CONFIG = 'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/steady/2/0123456789abcdef0123456789abcdef';
const RESUME_AT = Date.parse('2026-11-30T07:00:00Z');
const MARKER = 'paused 2026-11-29T19:00:00Z';
const MARKER_AT = Date.parse('2026-11-29T19:00:00Z');

describe('instance sizes, in both forms the API returns', () => {
  it.each([
    ['256', 0.25],
    ['512', 0.5],
    ['1024', 1],
    ['2048', 2],
    ['4096', 4],
    ['0.25 vCPU', 0.25],
    ['1 vCPU', 1],
    ['2 vCPU', 2],
  ])('CPU %j is %d vCPU', (value, vcpu) => {
    expect(parseVcpu(value)).toBe(vcpu);
  });

  it.each([
    ['512', 0.5],
    ['2048', 2],
    ['3072', 3],
    ['12288', 12],
    ['0.5 GB', 0.5],
    ['2 GB', 2],
    ['4 GB', 4],
  ])('memory %j is %d GB', (value, gb) => {
    expect(parseMemoryGb(value)).toBe(gb);
  });

  it.each([undefined, '', 'two', '0', '-1024', '1 GB', '2 vCPUs'])('CPU %j is not read as a size', (value) => {
    expect(parseVcpu(value)).toBeUndefined();
  });

  it.each([undefined, '', 'lots', '0', '2 vCPU', '2 TB'])('memory %j is not read as a size', (value) => {
    expect(parseMemoryGb(value)).toBeUndefined();
  });
});

describe('the price table', () => {
  it('prices the regions the pricing page names, at its provisioned-memory price', () => {
    expect(PRICED_REGIONS).toEqual(['ap-northeast-1', 'eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    expect(['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1'].map(provisionedMemoryPrice)).toEqual([0.007, 0.007, 0.007, 0.007]);
    expect(provisionedMemoryPrice('ap-northeast-1')).toBe(0.009);
  });

  it.each(['eu-central-1', 'ap-southeast-2', 'toString', 'constructor'])('has no price for %s', (region) => {
    expect(provisionedMemoryPrice(region)).toBeUndefined();
  });
});

describe('the pause time a marker carries', () => {
  it.each([
    [MARKER, MARKER_AT],
    ['paused 2026-11-29T19:00Z', MARKER_AT],
  ])('%j is %d', (marker, at) => {
    expect(markerPauseTime(marker)).toBe(at);
  });

  it.each([undefined, 'paused', 'resumed 2026-11-30T07:00:00Z', 'paused 2026-11-29T19:00:00+01:00', 'paused 2026-13-45T19:00:00Z'])('%j carries none', (marker) => {
    expect(markerPauseTime(marker)).toBeUndefined();
  });
});

const op = (type: string, status: string, startedAt: number, endedAt?: number, id?: string): OperationRecord => ({ id, type, status, startedAt, endedAt });

describe('the paused time', () => {
  it('without history: from the marker to the resume call, unconfirmed', () => {
    expect(pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT })).toEqual({
      pausedFrom: '2026-11-29T19:00:00.000Z',
      pausedTo: '2026-11-30T07:00:00.000Z',
      hours: 12,
      basis: 'marker',
    });
  });

  it("with history: from the end of App Runner's pause, when it ends after the marker", () => {
    const history = [op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT, undefined, 'ours'), op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT + 5_000, MARKER_AT + HOUR / 20)];

    expect(pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history })).toEqual({
      pausedFrom: '2026-11-29T19:03:00.000Z',
      pausedTo: '2026-11-30T07:00:00.000Z',
      hours: 11.95,
      basis: 'marker+history',
    });
  });

  it('passes over operations that did not succeed, such as an earlier resume that failed', () => {
    const history = [
      op('RESUME_SERVICE', 'SUCCEEDED', RESUME_AT, RESUME_AT + 60_000, 'ours'),
      op('RESUME_SERVICE', 'FAILED', RESUME_AT - HOUR, RESUME_AT - HOUR + 60_000),
      op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT, MARKER_AT),
    ];

    expect(pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history })).toMatchObject({ hours: 12, basis: 'marker+history' });
  });

  it('counts from a later pause than the marker says, and says so: the marker is contradicted, not trusted', () => {
    const secondPause = MARKER_AT + 6 * HOUR;
    const history = [
      op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT, undefined, 'ours'),
      op('PAUSE_SERVICE', 'SUCCEEDED', secondPause, secondPause),
      op('RESUME_SERVICE', 'SUCCEEDED', MARKER_AT + 2 * HOUR, MARKER_AT + 2 * HOUR),
      op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT, MARKER_AT),
    ];

    const paused = pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history });

    expect(paused).toMatchObject({ pausedFrom: '2026-11-30T01:00:00.000Z', hours: 6, basis: 'marker+history', note: expect.stringContaining('paused again since') });
  });

  it('counts from the marker when App Runner had paused the service before it was marked', () => {
    const history = [op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT, undefined, 'ours'), op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT - HOUR, MARKER_AT - HOUR)];

    expect(pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history })).toMatchObject({
      hours: 12,
      note: expect.stringContaining('paused it already'),
    });
  });

  it('takes the history alone when the marker carries no time', () => {
    const history = [op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT, undefined, 'ours'), op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT, MARKER_AT)];

    expect(pausedTime({ marker: 'paused', resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history })).toMatchObject({ hours: 12, basis: 'history' });
  });

  it('finds the pause by time when the resume has no operation id', () => {
    const history = [op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT + 100), op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT, MARKER_AT)];

    expect(pausedTime({ marker: MARKER, resumeRequestedAt: RESUME_AT, history })).toMatchObject({ hours: 12, basis: 'marker+history' });
  });

  it.each<[string, Parameters<typeof pausedTime>[0], string]>([
    ['history with no completed pause', { marker: MARKER, resumeRequestedAt: RESUME_AT, resumeOperationId: 'ours', history: [op('RESUME_SERVICE', 'IN_PROGRESS', RESUME_AT, undefined, 'ours')] }, 'is not confirmed'],
    ['a resume since the last pause', { marker: MARKER, resumeRequestedAt: RESUME_AT, history: [op('RESUME_SERVICE', 'SUCCEEDED', RESUME_AT - HOUR, RESUME_AT - HOUR), op('PAUSE_SERVICE', 'SUCCEEDED', MARKER_AT, MARKER_AT)] }, 'is not confirmed'],
    ['no marker and no history', { resumeRequestedAt: RESUME_AT }, 'carries no marker'],
    ['a marker without a time and no history', { marker: 'paused', resumeRequestedAt: RESUME_AT }, 'carries no pause time'],
    ["a resumed marker (an earlier resume's)", { marker: 'resumed 2026-11-30T06:00:00Z', resumeRequestedAt: RESUME_AT }, 'carries no pause time'],
    ['a marker after the resume', { marker: 'paused 2026-11-30T08:00:00Z', resumeRequestedAt: RESUME_AT }, 'contradictory'],
  ])('is unknown with %s', (_case, input, reason) => {
    const paused = pausedTime(input);

    expect(paused).not.toHaveProperty('hours');
    expect(paused).toEqual({ reason: expect.stringContaining(reason) });
  });
});

const TWELVE_HOURS: PausedTime = { pausedFrom: '2026-11-29T19:00:00.000Z', pausedTo: '2026-11-30T07:00:00.000Z', hours: 12, basis: 'marker' };

describe('the figure', () => {
  it('is the provisioned instances\' memory for the paused hours: 3 x 4 GB x $0.007 x 12 h = $1.008', () => {
    const figure = savingsFigure(TWELVE_HOURS, { region: 'us-east-1', cpu: '2 vCPU', memory: '4 GB', autoScaling: { arn: CONFIG, minSize: 3 } });

    expect(figure).toEqual({
      ...TWELVE_HOURS,
      status: 'priced',
      amount: expect.closeTo(1.008, 12),
      currency: 'USD',
      inputs: { vcpu: 2, memoryGb: 4, provisionedInstances: 3, pricePerGbHour: 0.007 },
    });
  });

  it("uses Tokyo's own price: 1 x 2 GB x $0.009 x 12 h = $0.216", () => {
    const figure = savingsFigure(TWELVE_HOURS, { region: 'ap-northeast-1', cpu: '1024', memory: '2048', autoScaling: { arn: CONFIG, minSize: 1 } });

    expect(figure).toMatchObject({ status: 'priced', amount: expect.closeTo(0.216, 12) });
  });

  it.each<[string, Parameters<typeof savingsFigure>[1], ServiceSavings['status'], string]>([
    ['a region without a price', { region: 'eu-central-1', cpu: '1024', memory: '2048', autoScaling: { arn: CONFIG, minSize: 1 } }, 'unpriced', 'no App Runner price for eu-central-1'],
    ['a memory it cannot read', { region: 'eu-west-1', cpu: '1024', memory: 'big', autoScaling: { arn: CONFIG, minSize: 1 } }, 'unknown', 'could not read the instance size'],
    ['no instance configuration', { region: 'eu-west-1', autoScaling: { arn: CONFIG, minSize: 1 } }, 'unknown', 'could not read the instance size'],
    ['an auto scaling read that failed', { region: 'eu-west-1', cpu: '1024', memory: '2048', autoScaling: { error: 'could not read the auto scaling configuration x: boom' } }, 'unknown', 'could not read the auto scaling configuration'],
    ['no MinSize', { region: 'eu-west-1', cpu: '1024', memory: '2048', autoScaling: { arn: CONFIG } }, 'unknown', 'no usable MinSize'],
    ['a MinSize of 0', { region: 'eu-west-1', cpu: '1024', memory: '2048', autoScaling: { arn: CONFIG, minSize: 0 } }, 'unknown', 'no usable MinSize'],
  ])('with %s: no amount, the paused time kept, the reason given', (_case, sizing, status, reason) => {
    const figure = savingsFigure(TWELVE_HOURS, sizing);

    expect(figure).toMatchObject({ status, hours: 12, reason: expect.stringContaining(reason) });
    expect(figure).not.toHaveProperty('amount');
  });
});

describe("the run's total", () => {
  const row = (savings?: ServiceSavings) => ({ savings }) as ServiceOutcome;
  const priced = (amount: number, hours: number): ServiceSavings => ({
    ...TWELVE_HOURS,
    hours,
    status: 'priced',
    amount,
    currency: 'USD',
    inputs: { vcpu: 1, memoryGb: 2, provisionedInstances: 1, pricePerGbHour: 0.007 },
  });

  it("sums the priced amounts, every known paused time's hours, and counts each kind", () => {
    const total = savingsTotal([
      row(priced(0.168, 12)),
      row(priced(1.008, 12)),
      row({ ...TWELVE_HOURS, status: 'unpriced', reason: 'r' }),
      row({ status: 'unknown', reason: 'r' }),
      row(undefined),
    ]);

    expect(total).toEqual({ amount: expect.closeTo(1.176, 12), currency: 'USD', hours: 36, priced: 2, unpriced: 1, unknown: 1 });
  });

  it('has no amount, rather than 0, when no service is priced', () => {
    const total = savingsTotal([row({ ...TWELVE_HOURS, status: 'unpriced', reason: 'r' }), row({ status: 'unknown', reason: 'r' })]);

    expect(total).toEqual({ currency: 'USD', hours: 12, priced: 0, unpriced: 1, unknown: 1 });
  });

  it('has neither amount nor hours when nothing was resumed', () => {
    expect(savingsTotal([row(undefined)])).toEqual({ currency: 'USD', priced: 0, unpriced: 0, unknown: 0 });
  });
});

describe('the auto scaling cache', () => {
  const size = (arn: string): AutoScalingSize => ({ arn, minSize: 2 });

  it('reads a configuration once, even when asked for it concurrently', async () => {
    const cache = new AutoScalingCache();
    const read = jest.fn(async (arn: string) => size(arn));

    const answers = await Promise.all([cache.get(CONFIG, read), cache.get(CONFIG, read), cache.get(CONFIG, read)]);

    expect(read).toHaveBeenCalledTimes(1);
    expect(answers).toEqual([size(CONFIG), size(CONFIG), size(CONFIG)]);
  });

  it('keeps no failed read: the next one tries again', async () => {
    const cache = new AutoScalingCache();
    const read = jest.fn().mockRejectedValueOnce(new Error('throttled')).mockResolvedValue(size(CONFIG));

    await expect(cache.get(CONFIG, read)).rejects.toThrow('throttled');
    await expect(cache.get(CONFIG, read)).resolves.toEqual(size(CONFIG));
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps at most its bound, dropping the least recently used', async () => {
    const cache = new AutoScalingCache(2);
    const read = jest.fn(async (arn: string) => size(arn));
    const arn = (n: number) => CONFIG.replace('/2/', `/${n}/`);

    await cache.get(arn(1), read);
    await cache.get(arn(2), read);
    await cache.get(arn(1), read); // 1 is now the most recently used
    await cache.get(arn(3), read); // drops 2
    await cache.get(arn(1), read);
    await cache.get(arn(2), read);

    expect(cache.size).toBe(2);
    expect(read.mock.calls.map(([a]) => a)).toEqual([arn(1), arn(2), arn(3), arn(2)]);
  });

  it('never keeps a partial ARN, whose latest revision can change', async () => {
    const cache = new AutoScalingCache();
    const read = jest.fn(async (arn: string) => size(arn));
    const partial = 'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/steady';

    await cache.get(partial, read);
    await cache.get(partial, read);

    expect(read).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new AutoScalingCache(0)).toThrow('maxEntries must be a positive integer, got 0');
  });
});

describe('measuring one service', () => {
  const detail = { arn: 'svc', name: 'web', status: 'RUNNING', autoDeploymentsEnabled: false, cpu: '1024', memory: '2048', autoScalingConfigurationArn: CONFIG };
  const input = { region: 'eu-west-1', detail, marker: MARKER, resumeRequestedAt: RESUME_AT };

  it('reads no auto scaling configuration for a region without a price', async () => {
    const describeAutoScalingConfiguration = jest.fn();

    const figure = await measureSavings({ ...input, region: 'eu-central-1' }, { describeAutoScalingConfiguration }, new AutoScalingCache());

    expect(figure.status).toBe('unpriced');
    expect(describeAutoScalingConfiguration).not.toHaveBeenCalled();
  });

  it('reports a failed auto scaling read as unknown, naming the configuration and the error, and does not throw', async () => {
    const describeAutoScalingConfiguration = jest.fn().mockRejectedValue(new Error('AccessDeniedException: not authorized'));

    const figure = await measureSavings(input, { describeAutoScalingConfiguration }, new AutoScalingCache());

    expect(figure).toEqual(expect.objectContaining({ status: 'unknown', hours: 12, reason: `could not read the auto scaling configuration ${CONFIG}: AccessDeniedException: not authorized` }));
  });

  it("reports a service whose answer names no configuration as unknown", async () => {
    const figure = await measureSavings({ ...input, detail: { ...detail, autoScalingConfigurationArn: undefined } }, { describeAutoScalingConfiguration: jest.fn() }, new AutoScalingCache());

    expect(figure).toMatchObject({ status: 'unknown', reason: expect.stringContaining('names none') });
  });
});
