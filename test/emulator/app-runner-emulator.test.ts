import {
  AppRunnerClient,
  DescribeAutoScalingConfigurationCommand,
  DescribeServiceCommand,
  InternalServiceErrorException,
  InvalidRequestException,
  InvalidStateException,
  ListOperationsCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  PauseServiceCommand,
  ResourceNotFoundException,
  ResumeServiceCommand,
  StartDeploymentCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListOperations,
  paginateListServices,
} from '@aws-sdk/client-apprunner';
import {
  GetResourcesCommand,
  GetResourcesCommandInput,
  InvalidParameterException,
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AppRunnerEmulator, EmulatorOptions, startEmulator, type OperationEvent } from '../../emulator/app-runner-emulator';
import { parseOperationEvent } from '../../contract/operation-event';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
// Long enough that a read right after a call still sees OPERATION_IN_PROGRESS on a loaded machine
// (a first SDK call on a fresh client can take tens of milliseconds), short enough to keep the suite quick.
const OPERATION_MS = 250;

let emulator: AppRunnerEmulator;
let appRunner: AppRunnerClient;
let tagging: ResourceGroupsTaggingAPIClient;
const extraClients: { destroy(): void }[] = [];

async function restart(options: EmulatorOptions = {}): Promise<void> {
  await emulator?.close();
  emulator = await startEmulator({ timings: { pause: OPERATION_MS, resume: OPERATION_MS, deploy: OPERATION_MS }, ...options });
  appRunner = appRunnerClient();
  tagging = taggingClient();
}

function appRunnerClient(region = 'eu-west-1', maxAttempts?: number): AppRunnerClient {
  const client = new AppRunnerClient({ endpoint: emulator.endpoint, region, credentials, maxAttempts });
  extraClients.push(client);
  return client;
}

function taggingClient(region = 'eu-west-1'): ResourceGroupsTaggingAPIClient {
  const client = new ResourceGroupsTaggingAPIClient({ endpoint: emulator.endpoint, region, credentials });
  extraClients.push(client);
  return client;
}

beforeEach(async () => {
  await restart();
});

afterEach(async () => {
  for (const client of extraClients.splice(0)) client.destroy();
  await emulator.close();
});

async function listAllServices(client = appRunner, pageSize = 20): Promise<{ names: string[]; pages: number[] }> {
  const names: string[] = [];
  const pages: number[] = [];
  for await (const page of paginateListServices({ client, pageSize }, {})) {
    const summaries = page.ServiceSummaryList ?? [];
    pages.push(summaries.length);
    names.push(...summaries.map((s) => s.ServiceName ?? ''));
  }
  return { names, pages };
}

async function getAllResources(input: GetResourcesCommandInput = {}, client = tagging): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateGetResources({ client }, input)) {
    arns.push(...(page.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? ''));
  }
  return arns;
}

async function statusOf(arn: string): Promise<string | undefined> {
  return (await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }))).Service?.Status;
}

function names(count: number, prefix = 'svc'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
}

describe('ListServices', () => {
  it('lists services in every status, PAUSED included, with the summary fields', async () => {
    emulator.addService({ name: 'web-running' });
    emulator.addService({ name: 'web-paused', status: 'PAUSED' });
    emulator.addService({ name: 'web-broken', status: 'CREATE_FAILED' });

    const { ServiceSummaryList = [] } = await appRunner.send(new ListServicesCommand({}));

    expect(ServiceSummaryList.map((s) => [s.ServiceName, s.Status])).toEqual([
      ['web-running', 'RUNNING'],
      ['web-paused', 'PAUSED'],
      ['web-broken', 'CREATE_FAILED'],
    ]);
    const [first] = ServiceSummaryList;
    expect(first.ServiceArn).toMatch(/^arn:aws:apprunner:eu-west-1:123456789012:service\/web-running\/[0-9a-f]{32}$/);
    expect(first.ServiceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.ServiceUrl).toMatch(/\.eu-west-1\.awsapprunner\.com$/);
    expect(first.CreatedAt).toBeInstanceOf(Date);
    expect(first.UpdatedAt).toBeInstanceOf(Date);
  });

  it('pages with MaxResults and an opaque NextToken, every service exactly once', async () => {
    for (const name of names(45)) emulator.addService({ name });

    const { names: seen, pages } = await listAllServices();

    expect(pages).toEqual([20, 20, 5]);
    expect(seen).toEqual(names(45));
  });

  it('returns every service in one response without MaxResults, as the model documents', async () => {
    for (const name of names(45)) emulator.addService({ name });

    const { ServiceSummaryList, NextToken } = await appRunner.send(new ListServicesCommand({}));

    expect(ServiceSummaryList).toHaveLength(45);
    expect(NextToken).toBeUndefined();
  });

  it('paginates even without MaxResults when the emulator has a default page size', async () => {
    await restart({ defaultPageSize: 7 });
    for (const name of names(15)) emulator.addService({ name });

    const first = await appRunner.send(new ListServicesCommand({}));

    expect(first.ServiceSummaryList).toHaveLength(7);
    expect(first.NextToken).toEqual(expect.any(String));
  });

  it.each([0, 21, 1.5])('rejects MaxResults %p with InvalidRequestException', async (maxResults) => {
    await expect(appRunner.send(new ListServicesCommand({ MaxResults: maxResults }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('rejects a NextToken it did not issue', async () => {
    await expect(appRunner.send(new ListServicesCommand({ NextToken: 'not-a-token' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });
});

describe('Regions', () => {
  it('shows each Region only its own services', async () => {
    emulator.addService({ name: 'dublin', tags: { team: 'a' } });
    emulator.addService({ name: 'virginia', region: 'us-east-1', tags: { team: 'a' } });

    expect((await listAllServices(appRunnerClient('us-east-1'))).names).toEqual(['virginia']);
    expect((await listAllServices()).names).toEqual(['dublin']);
    expect(await getAllResources({}, taggingClient('us-east-1'))).toEqual([expect.stringContaining(':us-east-1:')]);
    expect(emulator.services().map((s) => [s.name, s.region])).toEqual([
      ['dublin', 'eu-west-1'],
      ['virginia', 'us-east-1'],
    ]);
  });

  it('answers ResourceNotFoundException for an ARN of another Region, as that Region\'s endpoint would', async () => {
    const dublin = emulator.addService({ name: 'dublin' });

    await expect(
      appRunnerClient('us-east-1').send(new DescribeServiceCommand({ ServiceArn: dublin })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('DescribeService', () => {
  it('returns the full Service with every member the model requires', async () => {
    const arn = emulator.addService({ name: 'api-svc', tags: { team: 'a' }, cpu: '1 vCPU', memory: '2 GB' });

    const { Service } = await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));

    expect(Service).toMatchObject({
      ServiceName: 'api-svc',
      ServiceArn: arn,
      Status: 'RUNNING',
      CreatedAt: expect.any(Date),
      UpdatedAt: expect.any(Date),
      SourceConfiguration: {
        ImageRepository: {
          ImageIdentifier: expect.stringContaining('.dkr.ecr.eu-west-1.amazonaws.com/api-svc'),
          ImageRepositoryType: 'ECR',
        },
        AutoDeploymentsEnabled: true,
      },
      InstanceConfiguration: { Cpu: '1 vCPU', Memory: '2 GB' },
      AutoScalingConfigurationSummary: { AutoScalingConfigurationName: 'DefaultConfiguration' },
      NetworkConfiguration: { EgressConfiguration: { EgressType: 'DEFAULT' } },
    });
  });

  it('describes a source-code service with its CodeRepository', async () => {
    const arn = emulator.addService({ name: 'from-code', source: 'code', autoDeploymentsEnabled: false });

    const { Service } = await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));

    expect(Service?.SourceConfiguration).toMatchObject({
      CodeRepository: { SourceCodeVersion: { Type: 'BRANCH', Value: 'main' } },
      AutoDeploymentsEnabled: false,
    });
  });

  const ghost = (account: string): string => `arn:aws:apprunner:eu-west-1:${account}:service/ghost/${'0'.repeat(32)}`;

  it.each([
    { when: 'a missing ServiceArn', arn: undefined, error: InvalidRequestException },
    { when: 'a malformed ARN', arn: 'not-an-arn', error: InvalidRequestException },
    { when: 'a well-formed ARN of no service', arn: ghost('123456789012'), error: ResourceNotFoundException },
  ])('answers $when with $error.name', async ({ arn, error }) => {
    await expect(appRunner.send(new DescribeServiceCommand({ ServiceArn: arn as string }))).rejects.toBeInstanceOf(error);
  });

  it('answers an ARN of another account with AccessDeniedException (unmodelled, see test/emulator/accounts.test.ts)', async () => {
    await expect(appRunner.send(new DescribeServiceCommand({ ServiceArn: ghost('999999999999') }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('pause and resume', () => {
  it('pauses asynchronously: OPERATION_IN_PROGRESS with an OperationId, PAUSED after the pause timing', async () => {
    // Long enough that the status read after the response cannot miss the operation on a loaded machine.
    const pauseMs = 500;
    emulator.setTimings({ pause: pauseMs });
    const arn = emulator.addService({ name: 'web-app' });

    const response = await appRunner.send(new PauseServiceCommand({ ServiceArn: arn }));

    expect(response.Service?.Status).toBe('OPERATION_IN_PROGRESS');
    expect(response.OperationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await statusOf(arn)).toBe('OPERATION_IN_PROGRESS');
    await emulator.settled();
    expect(await statusOf(arn)).toBe('PAUSED');
    const { OperationSummaryList } = await appRunner.send(new ListOperationsCommand({ ServiceArn: arn }));
    expect(OperationSummaryList?.[0]).toMatchObject({
      Id: response.OperationId,
      Type: 'PAUSE_SERVICE',
      Status: 'SUCCEEDED',
      TargetArn: arn,
    });
    const { StartedAt, EndedAt } = OperationSummaryList?.[0] ?? {};
    expect(EndedAt?.getTime()).toBe((StartedAt?.getTime() ?? 0) + pauseMs);
  });

  it('resumes a PAUSED service to RUNNING the same way', async () => {
    const arn = emulator.addService({ name: 'web-app', status: 'PAUSED' });

    const response = await appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }));

    expect(response.Service?.Status).toBe('OPERATION_IN_PROGRESS');
    await emulator.settled();
    expect(await statusOf(arn)).toBe('RUNNING');
    expect(emulator.service(arn).operations[0]).toMatchObject({ type: 'RESUME_SERVICE', status: 'SUCCEEDED' });
  });

  type Call = 'PauseService' | 'ResumeService' | 'StartDeployment';
  const send = (call: Call, arn: string): Promise<unknown> => {
    if (call === 'PauseService') return appRunner.send(new PauseServiceCommand({ ServiceArn: arn }));
    if (call === 'ResumeService') return appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }));
    return appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));
  };

  it.each([
    { call: 'PauseService', status: 'PAUSED', error: InvalidStateException },
    { call: 'PauseService', status: 'OPERATION_IN_PROGRESS', error: InvalidStateException },
    { call: 'PauseService', status: 'CREATE_FAILED', error: InvalidStateException },
    { call: 'ResumeService', status: 'RUNNING', error: InvalidStateException },
    { call: 'ResumeService', status: 'OPERATION_IN_PROGRESS', error: InvalidStateException },
    { call: 'StartDeployment', status: 'PAUSED', error: InvalidRequestException },
    { call: 'StartDeployment', status: 'OPERATION_IN_PROGRESS', error: InvalidRequestException },
  ] as const)('refuses $call on a $status service with $error.name, without SDK retries', async ({ call, status, error }) => {
    const arn = emulator.addService({ name: 'web-app', status: status === 'OPERATION_IN_PROGRESS' ? 'RUNNING' : status });
    if (status === 'OPERATION_IN_PROGRESS') emulator.deployByHand(arn);

    await expect(send(call, arn)).rejects.toBeInstanceOf(error);
    expect(emulator.callsTo(call)).toHaveLength(1);
  });

  it('refuses StartDeployment on a PAUSED service with InvalidStateException when configured so', async () => {
    await restart({ deploymentRefusalError: 'InvalidStateException' });
    const arn = emulator.addService({ name: 'web-app', status: 'PAUSED' });

    await expect(send('StartDeployment', arn)).rejects.toBeInstanceOf(InvalidStateException);
  });

  it('takes the pause timing set at run time for operations started after it', async () => {
    const arn = emulator.addService({ name: 'web-app' });

    emulator.setTimings({ pause: 80 });
    emulator.pauseByHand(arn);
    await emulator.settled();

    const [pause] = emulator.service(arn).operations;
    expect((pause.endedAt ?? 0) - pause.startedAt).toBe(80);
  });

  it('lets a person pause by hand under the same rules, without a logged call', async () => {
    const arn = emulator.addService({ name: 'web-app' });

    emulator.pauseByHand(arn);

    expect(emulator.service(arn).status).toBe('OPERATION_IN_PROGRESS');
    expect(() => emulator.resumeByHand(arn)).toThrow(/ResumeService needs the service in PAUSED/);
    await emulator.settled();
    expect(emulator.service(arn).status).toBe('PAUSED');
    expect(emulator.calls).toHaveLength(0);
  });
});

describe('deployments', () => {
  it('StartDeployment returns only an OperationId; the service is OPERATION_IN_PROGRESS for the deploy timing', async () => {
    const arn = emulator.addService({ name: 'web-app', autoDeploymentsEnabled: false });
    emulator.publishVersion(arn);

    const response = await appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));

    expect(response.OperationId).toEqual(expect.any(String));
    expect(response).not.toHaveProperty('Service');
    expect(await statusOf(arn)).toBe('OPERATION_IN_PROGRESS');
    await emulator.settled();
    expect(emulator.service(arn)).toMatchObject({ status: 'RUNNING', deployedVersion: 2, deployments: 1 });
  });

  it('resumes the version that ran before the pause; a deployment after the resume picks up the newer one', async () => {
    const arn = emulator.addService({ name: 'web-app', status: 'PAUSED' });
    emulator.publishVersion(arn);

    await appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await emulator.settled();
    expect(emulator.service(arn)).toMatchObject({ status: 'RUNNING', deployedVersion: 1, latestVersion: 2 });

    await appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));
    await emulator.settled();
    expect(emulator.service(arn)).toMatchObject({ status: 'RUNNING', deployedVersion: 2 });
  });

  it('deploys a pushed version by itself when automatic deployment is on and the service RUNNING', async () => {
    const arn = emulator.addService({ name: 'web-app' });

    emulator.publishVersion(arn);

    expect(emulator.service(arn).status).toBe('OPERATION_IN_PROGRESS');
    await emulator.settled();
    expect(emulator.service(arn)).toMatchObject({ deployedVersion: 2, deployments: 1 });
  });
});

describe('ListOperations', () => {
  it('pages newest first with MaxResults', async () => {
    const arn = emulator.addService({ name: 'web-app' });
    emulator.pauseByHand(arn);
    await emulator.settled();
    emulator.resumeByHand(arn);
    await emulator.settled();
    emulator.deployByHand(arn);
    await emulator.settled();

    const pages: string[][] = [];
    for await (const page of paginateListOperations({ client: appRunner, pageSize: 2 }, { ServiceArn: arn })) {
      pages.push((page.OperationSummaryList ?? []).map((o) => o.Type ?? ''));
    }

    expect(pages).toEqual([['START_DEPLOYMENT', 'RESUME_SERVICE'], ['PAUSE_SERVICE', 'CREATE_SERVICE']]);
  });

  it('rejects MaxResults above 20', async () => {
    const arn = emulator.addService({ name: 'web-app' });

    await expect(appRunner.send(new ListOperationsCommand({ ServiceArn: arn, MaxResults: 21 }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });
});

describe('auto scaling configurations', () => {
  it("names the Region's default configuration in a service's summary, with App Runner's documented defaults", async () => {
    const arn = emulator.addService({ name: 'web-api' });

    const { Service } = await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const summary = Service!.AutoScalingConfigurationSummary!;
    const { AutoScalingConfiguration } = await appRunner.send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: summary.AutoScalingConfigurationArn }));

    expect(summary).toMatchObject({
      AutoScalingConfigurationArn: 'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000000',
      AutoScalingConfigurationName: 'DefaultConfiguration',
      AutoScalingConfigurationRevision: 1,
    });
    expect(AutoScalingConfiguration).toMatchObject({
      AutoScalingConfigurationArn: summary.AutoScalingConfigurationArn,
      MinSize: 1,
      MaxSize: 25,
      MaxConcurrency: 100,
      Status: 'ACTIVE',
      IsDefault: true,
      Latest: true,
      HasAssociatedService: true,
    });
    expect(AutoScalingConfiguration!.CreatedAt).toBeInstanceOf(Date);
  });

  it("describes a service's own configuration, by full ARN or by name (the latest revision) and name/revision", async () => {
    const first = emulator.addAutoScalingConfiguration({ name: 'three-warm', minSize: 3, maxSize: 10, maxConcurrency: 50 });
    const second = emulator.addAutoScalingConfiguration({ name: 'three-warm', minSize: 4 });
    emulator.addService({ name: 'web-api', autoScalingConfigurationArn: first });
    const describe = async (arn: string) =>
      (await appRunner.send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }))).AutoScalingConfiguration!;
    const byName = 'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/three-warm';

    expect(first).toMatch(/^arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration\/three-warm\/1\/[0-9a-f]{32}$/);
    expect(second).toMatch(/\/three-warm\/2\/[0-9a-f]{32}$/);
    expect(await describe(first)).toMatchObject({ AutoScalingConfigurationRevision: 1, MinSize: 3, MaxSize: 10, MaxConcurrency: 50, Latest: false, IsDefault: false, HasAssociatedService: true });
    expect(await describe(byName)).toMatchObject({ AutoScalingConfigurationArn: second, MinSize: 4, MaxSize: 25, Latest: true, HasAssociatedService: false });
    expect(await describe(`${byName}/1`)).toMatchObject({ AutoScalingConfigurationArn: first });
  });

  it("answers ResourceNotFoundException for another Region's configuration or an unknown one, and InvalidRequestException for a malformed ARN", async () => {
    const arn = emulator.addAutoScalingConfiguration({ name: 'in-ireland', minSize: 2 });
    const describe = (client: AppRunnerClient, value: string | undefined) =>
      client.send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: value as string }));

    await expect(describe(appRunnerClient('us-east-1'), arn)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(describe(appRunner, arn.replace('in-ireland/1', 'in-ireland/7'))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(describe(appRunner, 'not-an-arn')).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(describe(appRunner, undefined)).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it('refuses sizes outside the model\'s ranges and an unknown configuration for a service', () => {
    expect(() => emulator.addAutoScalingConfiguration({ name: 'too-many', minSize: 26 })).toThrow('minSize must be an integer from 1 to 25');
    expect(() => emulator.addAutoScalingConfiguration({ name: 'upside-down', minSize: 5, maxSize: 2 })).toThrow('must not exceed maxSize');
    expect(() => emulator.addService({ name: 'web-api', autoScalingConfigurationArn: 'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/none/1/' + '0'.repeat(32) })).toThrow('no auto scaling configuration');
  });

  it('can be the target of a fault, by operation and by configuration ARN', async () => {
    const arn = emulator.addAutoScalingConfiguration({ name: 'flaky', minSize: 2 });
    emulator.injectFault({ kind: 'internal', operation: 'DescribeAutoScalingConfiguration', serviceArn: arn, times: 1 });
    const client = appRunnerClient('eu-west-1', 1);

    await expect(client.send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }))).rejects.toBeInstanceOf(InternalServiceErrorException);
    await expect(client.send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }))).resolves.toBeDefined();
    expect(emulator.calls.map((c) => [c.operation, c.targetArn, c.fault])).toEqual([
      ['DescribeAutoScalingConfiguration', arn, 'internal'],
      ['DescribeAutoScalingConfiguration', arn, undefined],
    ]);
  });
});

describe('instance sizes and past pauses', () => {
  it('shows InstanceConfiguration in the form the service was given, either of the two the API returns', async () => {
    const units = emulator.addService({ name: 'in-units', cpu: '2048', memory: '4096' });
    const named = emulator.addService({ name: 'in-words', cpu: '2 vCPU', memory: '4 GB' });

    const shown = await Promise.all([units, named].map(async (arn) => (await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }))).Service!.InstanceConfiguration));

    expect(shown).toEqual([expect.objectContaining({ Cpu: '2048', Memory: '4096' }), expect.objectContaining({ Cpu: '2 vCPU', Memory: '4 GB' })]);
  });

  it('records the pause of a service created paused at a given time, ending then', async () => {
    const pausedAt = Date.parse('2026-11-29T19:00:00Z');
    const arn = emulator.addService({ name: 'paused-friday', status: 'PAUSED', pausedAt });

    const { OperationSummaryList } = await appRunner.send(new ListOperationsCommand({ ServiceArn: arn }));

    expect(OperationSummaryList!.map((o) => [o.Type, o.Status, o.StartedAt!.getTime(), o.EndedAt!.getTime()])).toEqual([
      ['PAUSE_SERVICE', 'SUCCEEDED', pausedAt - OPERATION_MS, pausedAt],
      ['CREATE_SERVICE', 'SUCCEEDED', pausedAt - OPERATION_MS, pausedAt - OPERATION_MS],
    ]);
    expect(() => emulator.addService({ name: 'running-one', pausedAt })).toThrow('pausedAt is for a service created PAUSED');
  });
});

describe('tags', () => {
  it.each(['RUNNING', 'PAUSED', 'OPERATION_IN_PROGRESS', 'CREATE_FAILED'] as const)(
    'tags, untags and lists tags of a %s service',
    async (status) => {
      const initial = status === 'OPERATION_IN_PROGRESS' ? 'RUNNING' : status;
      const arn = emulator.addService({ name: 'web-app', status: initial, tags: { team: 'a' } });
      if (status === 'OPERATION_IN_PROGRESS') emulator.pauseByHand(arn);

      await appRunner.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'paused-by', Value: 'scheduler' }] }));
      await appRunner.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
      const { Tags } = await appRunner.send(new ListTagsForResourceCommand({ ResourceArn: arn }));

      expect(Tags).toEqual([{ Key: 'paused-by', Value: 'scheduler' }]);
      expect(emulator.service(arn).status).toBe(status);
    },
  );

  it.each([
    ['a reserved aws: key', { Key: 'aws:cloudformation:stack-name', Value: 'x' }],
    ['an empty key', { Key: '', Value: 'x' }],
    ['a 129-character key', { Key: 'k'.repeat(129), Value: 'x' }],
    ['a 257-character value', { Key: 'k', Value: 'v'.repeat(257) }],
  ])('refuses %s with InvalidRequestException', async (_case, tag) => {
    const arn = emulator.addService({ name: 'web-app' });

    await expect(appRunner.send(new TagResourceCommand({ ResourceArn: arn, Tags: [tag] }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('refuses a 51st tag', async () => {
    const tags = Object.fromEntries(names(50, 'k').map((key) => [key, 'v']));
    const arn = emulator.addService({ name: 'web-app', tags });

    await expect(
      appRunner.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'one-more', Value: 'v' }] })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
  });
});

describe('GetResources', () => {
  it('returns the tagged and previously tagged services of the Region, with their tags', async () => {
    const tagged = emulator.addService({ name: 'tagged', tags: { schedule: 'office-hours' } });
    emulator.addService({ name: 'never-tagged' });
    const untagged = emulator.addService({ name: 'once-tagged', tags: { old: 'x' } });
    await appRunner.send(new UntagResourceCommand({ ResourceArn: untagged, TagKeys: ['old'] }));

    const { ResourceTagMappingList, PaginationToken } = await tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['apprunner:service'] }),
    );

    expect(ResourceTagMappingList).toEqual([
      { ResourceARN: tagged, Tags: [{ Key: 'schedule', Value: 'office-hours' }] },
      { ResourceARN: untagged, Tags: [] },
    ]);
    expect(PaginationToken).toBe('');
  });

  it('sees tags a person set outside the API, and counts the service as tagged from then on', async () => {
    const arn = emulator.addService({ name: 'web-app' });

    emulator.setTags(arn, { schedule: 'office-hours' });

    expect(await getAllResources({ TagFilters: [{ Key: 'schedule', Values: ['office-hours'] }] })).toEqual([arn]);
  });

  describe('TagFilters', () => {
    beforeEach(() => {
      emulator.addService({ name: 'a-prod-office', tags: { env: 'prod', schedule: 'office' } });
      emulator.addService({ name: 'b-dev-office', tags: { env: 'dev', schedule: 'office' } });
      emulator.addService({ name: 'c-test-none', tags: { env: 'test' } });
      emulator.addService({ name: 'd-dev-empty', tags: { env: 'dev', schedule: '' } });
    });

    it.each([
      ['one key, one value', [{ Key: 'env', Values: ['dev'] }], ['b-dev-office', 'd-dev-empty']],
      ['OR within Values', [{ Key: 'env', Values: ['prod', 'test'] }], ['a-prod-office', 'c-test-none']],
      [
        'no Values: any value of the key, empty included',
        [{ Key: 'schedule' }],
        ['a-prod-office', 'b-dev-office', 'd-dev-empty'],
      ],
      ['AND across filters', [{ Key: 'env', Values: ['dev'] }, { Key: 'schedule', Values: ['office'] }], ['b-dev-office']],
      ['a key nobody has', [{ Key: 'owner' }], []],
    ])('%s', async (_case, TagFilters, expected) => {
      const arns = await getAllResources({ TagFilters, ResourceTypeFilters: ['apprunner:service'] });

      expect(arns.map((arn) => arn.split('/')[1])).toEqual(expected);
    });
  });

  it.each([
    [['apprunner:service'], 1],
    [['apprunner'], 1],
    [['ec2:instance'], 0],
  ])('ResourceTypeFilters %p selects %p services', async (ResourceTypeFilters, count) => {
    emulator.addService({ name: 'web-app', tags: { a: 'b' } });

    expect(await getAllResources({ ResourceTypeFilters })).toHaveLength(count);
  });

  it('pages with ResourcesPerPage; the last page has an empty PaginationToken', async () => {
    for (const name of names(250)) emulator.addService({ name, tags: { fleet: 'yes' } });

    const sizes: number[] = [];
    const tokens: (string | undefined)[] = [];
    for await (const page of paginateGetResources({ client: tagging, pageSize: 100 }, {})) {
      sizes.push(page.ResourceTagMappingList?.length ?? 0);
      tokens.push(page.PaginationToken);
    }

    expect(sizes).toEqual([100, 100, 50]);
    expect(tokens[2]).toBe('');
    expect(tokens.slice(0, 2)).toEqual([expect.stringMatching(/.+/), expect.stringMatching(/.+/)]);
  });

  it('cuts pages at TagsPerPage, whole resources only', async () => {
    for (const name of names(30)) emulator.addService({ name, tags: { a: '1', b: '2', c: '3', d: '4', e: '5' } });

    const first = await tagging.send(new GetResourcesCommand({ TagsPerPage: 100 }));

    expect(first.ResourceTagMappingList).toHaveLength(20);
  });

  it.each([0, 101])('rejects ResourcesPerPage %p with InvalidParameterException', async (perPage) => {
    await expect(tagging.send(new GetResourcesCommand({ ResourcesPerPage: perPage }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it('returns just the services of a ResourceARNList, silently skipping unknown ARNs', async () => {
    const wanted = emulator.addService({ name: 'wanted', tags: { a: 'b' } });
    emulator.addService({ name: 'other', tags: { a: 'b' } });
    const ghost = `arn:aws:apprunner:eu-west-1:123456789012:service/ghost/${'0'.repeat(32)}`;

    const { ResourceTagMappingList } = await tagging.send(new GetResourcesCommand({ ResourceARNList: [wanted, ghost] }));

    expect(ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([wanted]);
  });

  it.each<{ when: string; extra: GetResourcesCommandInput; count: number }>([
    { when: 'with ResourcesPerPage', extra: { ResourcesPerPage: 10 }, count: 1 },
    { when: 'with a PaginationToken', extra: { PaginationToken: 'abc' }, count: 1 },
    { when: 'of more than 100 ARNs', extra: {}, count: 101 },
  ])('refuses a ResourceARNList $when', async ({ extra, count }) => {
    const arn = emulator.addService({ name: 'web-app', tags: { a: 'b' } });
    const ResourceARNList = Array.from({ length: count }, () => arn);

    await expect(tagging.send(new GetResourcesCommand({ ResourceARNList, ...extra }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});

describe('operations that go wrong', () => {
  it.each([
    { type: 'PAUSE_SERVICE', before: 'RUNNING', outcome: 'FAILED' },
    { type: 'RESUME_SERVICE', before: 'PAUSED', outcome: 'FAILED' },
    { type: 'START_DEPLOYMENT', before: 'RUNNING', outcome: 'ROLLBACK_SUCCEEDED' },
  ] as const)('failNextOperation: $type starts, ends $outcome, and the service is $before again', async (row) => {
    const { type, before, outcome } = row;
    const arn = emulator.addService({ name: 'web-app', status: before, autoDeploymentsEnabled: false });
    emulator.publishVersion(arn);
    emulator.failNextOperation(arn, type, outcome);

    const started =
      type === 'PAUSE_SERVICE'
        ? appRunner.send(new PauseServiceCommand({ ServiceArn: arn }))
        : type === 'RESUME_SERVICE'
          ? appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }))
          : appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));
    await expect(started).resolves.toHaveProperty('OperationId');
    expect(await statusOf(arn)).toBe('OPERATION_IN_PROGRESS');
    await emulator.settled();

    expect(await statusOf(arn)).toBe(before);
    expect(emulator.service(arn).operations[0]).toMatchObject({ type, status: outcome, endedAt: expect.any(Number) });
    expect(emulator.service(arn).deployedVersion).toBe(1);
  });

  it('hangNextOperation: the operation starts and never ends, and blocks further operations', async () => {
    const arn = emulator.addService({ name: 'web-app' });
    emulator.hangNextOperation(arn, 'PAUSE_SERVICE');

    await appRunner.send(new PauseServiceCommand({ ServiceArn: arn }));
    await emulator.settled();
    await new Promise((resolve) => setTimeout(resolve, OPERATION_MS * 3));

    expect(await statusOf(arn)).toBe('OPERATION_IN_PROGRESS');
    expect(emulator.service(arn).operations[0]).toMatchObject({ type: 'PAUSE_SERVICE', status: 'IN_PROGRESS' });
    await expect(appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }))).rejects.toBeInstanceOf(InvalidStateException);
  });

  it('deleteService: the service vanishes from every call and list', async () => {
    const arn = emulator.addService({ name: 'web-app', tags: { a: 'b' } });
    emulator.addService({ name: 'kept', tags: { a: 'b' } });

    emulator.deleteService(arn);

    for (const call of [
      appRunner.send(new DescribeServiceCommand({ ServiceArn: arn })),
      appRunner.send(new PauseServiceCommand({ ServiceArn: arn })),
      appRunner.send(new ListTagsForResourceCommand({ ResourceArn: arn })),
    ]) {
      await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    }
    expect((await listAllServices()).names).toEqual(['kept']);
    expect(await getAllResources()).toHaveLength(1);
    expect(emulator.hasService(arn)).toBe(false);
  });

  it('a service created DELETED stays listed and describable, and is refused operations', async () => {
    const arn = emulator.addService({ name: 'gone', status: 'DELETED' });

    const { Service } = await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));

    expect(Service).toMatchObject({ Status: 'DELETED', DeletedAt: expect.any(Date) });
    expect((await listAllServices()).names).toEqual(['gone']);
    await expect(appRunner.send(new PauseServiceCommand({ ServiceArn: arn }))).rejects.toBeInstanceOf(InvalidStateException);
  });
});

describe('fault injection', () => {
  it('a throttle the SDK retries away is invisible to the caller and visible in the call log', async () => {
    emulator.injectFault({ kind: 'throttle', operation: 'ListServices', times: 1 });

    await appRunnerClient('eu-west-1', 2).send(new ListServicesCommand({}));

    expect(emulator.callsTo('ListServices').map((c) => [c.attempt, c.httpStatus, c.errorType, c.fault])).toEqual([
      [1, 400, 'ThrottlingException', 'throttle'],
      [2, 200, undefined, undefined],
    ]);
  });

  it.each([400, 429] as const)('a throttle (HTTP %p) outlasting the retries surfaces as ThrottlingException', async (status) => {
    emulator.injectFault({ kind: 'throttle', times: 2, throttleStatus: status });

    const error = await appRunnerClient('eu-west-1', 2).send(new ListServicesCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: status, attempts: 2 } });
  });

  it('surfaces persistent 500s as InternalServiceErrorException after the retries', async () => {
    const arn = emulator.addService({ name: 'web-app' });
    const fault = emulator.injectFault({ kind: 'internal', operation: 'PauseService', times: 5 });

    await expect(appRunner.send(new PauseServiceCommand({ ServiceArn: arn }))).rejects.toBeInstanceOf(
      InternalServiceErrorException,
    );
    expect(fault.hits).toBe(3);
    expect(emulator.service(arn).status).toBe('RUNNING');
  });

  it('answers 503 for unavailable, which the SDK retries', async () => {
    emulator.injectFault({ kind: 'unavailable', times: 1 });

    await appRunner.send(new ListServicesCommand({}));

    expect(emulator.calls.map((c) => c.httpStatus)).toEqual([503, 200]);
  });

  it('drops the connection for reset, which the SDK retries', async () => {
    emulator.injectFault({ kind: 'reset', times: 1 });

    await appRunner.send(new ListServicesCommand({}));

    expect(emulator.calls.map((c) => [c.fault, c.httpStatus])).toEqual([['reset', undefined], [undefined, 200]]);
  });

  it('denies a call with AccessDeniedException, which the SDK does not retry', async () => {
    emulator.injectFault({ kind: 'accessDenied', operation: 'ListServices', times: 5 });

    const error = await appRunner.send(new ListServicesCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(emulator.callsTo('ListServices')).toHaveLength(1);
  });

  it('targets one operation of one service', async () => {
    const hit = emulator.addService({ name: 'hit-svc' });
    const spared = emulator.addService({ name: 'spared' });
    emulator.injectFault({ kind: 'notFound', operation: 'DescribeService', serviceArn: hit, forMs: 10_000 });

    await expect(appRunner.send(new DescribeServiceCommand({ ServiceArn: hit }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(appRunner.send(new DescribeServiceCommand({ ServiceArn: spared }))).resolves.toBeDefined();
    await expect(appRunner.send(new ListTagsForResourceCommand({ ResourceArn: hit }))).resolves.toBeDefined();
  });

  it('lasts only its time window', async () => {
    const fault = emulator.injectFault({ kind: 'internal', forMs: 200 });
    const once = appRunnerClient('eu-west-1', 1);

    await expect(once.send(new ListServicesCommand({}))).rejects.toBeInstanceOf(InternalServiceErrorException);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(once.send(new ListServicesCommand({}))).resolves.toBeDefined();
    expect(fault.active).toBe(false);
  });

  it('stops at clearFaults', async () => {
    emulator.injectFault({ kind: 'internal', forMs: 60_000 });

    emulator.clearFaults();

    await expect(appRunnerClient('eu-west-1', 1).send(new ListServicesCommand({}))).resolves.toBeDefined();
  });

  it('hits the same calls on every run with the same seed', async () => {
    const pattern = async (): Promise<boolean[]> => {
      await restart({ seed: 42 });
      emulator.injectFault({ kind: 'internal', probability: 0.5, forMs: 60_000 });
      const once = appRunnerClient('eu-west-1', 1);
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await once.send(new ListServicesCommand({})).then(() => true, () => false));
      return outcomes;
    };

    const first = await pattern();
    const second = await pattern();

    expect(second).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('adds latency to matching calls only', async () => {
    emulator.injectFault({ kind: 'latency', operation: 'ListServices', latencyMs: 60, times: 1 });
    const arn = emulator.addService({ name: 'web-app' });

    await appRunner.send(new ListServicesCommand({}));
    await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));

    const [list, describe] = emulator.calls;
    expect(list.durationMs).toBeGreaterThanOrEqual(60);
    expect(describe.durationMs).toBeLessThan(60);
  });

  it('throttles the Tagging API with its own modelled ThrottledException', async () => {
    emulator.injectFault({ kind: 'throttle', operation: 'GetResources', times: 1 });

    await tagging.send(new GetResourcesCommand({}));

    expect(emulator.calls.map((c) => c.errorType)).toEqual(['ThrottledException', undefined]);
  });
});

describe('the call log', () => {
  it('records operation, Region, target, input, status and error of every call', async () => {
    const arn = emulator.addService({ name: 'web-app', status: 'PAUSED' });

    await appRunner.send(new ListServicesCommand({ MaxResults: 5 }));
    await appRunner.send(new PauseServiceCommand({ ServiceArn: arn })).catch(() => undefined);
    await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'a' }] }));

    expect(emulator.calls).toEqual([
      expect.objectContaining({
        operation: 'ListServices',
        api: 'AppRunner',
        region: 'eu-west-1',
        input: { MaxResults: 5 },
        httpStatus: 200,
      }),
      expect.objectContaining({ operation: 'PauseService', targetArn: arn, httpStatus: 400, errorType: 'InvalidStateException' }),
      expect.objectContaining({ operation: 'GetResources', api: 'ResourceGroupsTaggingAPI', httpStatus: 200 }),
    ]);
    expect(emulator.mutatingCalls().map((c) => c.operation)).toEqual(['PauseService']);
    emulator.clearCalls();
    expect(emulator.calls).toHaveLength(0);
  });

  it('measures how many calls were in flight at once', async () => {
    await restart({ latencyMs: 20 });
    const arns = names(30).map((name) => emulator.addService({ name }));

    await Promise.all(arns.map((arn) => appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }))));

    expect(emulator.peakInFlight('DescribeService')).toBeGreaterThan(1);
    expect(emulator.peakInFlight()).toBe(emulator.peakInFlight('DescribeService'));
    expect(emulator.peakInFlight('PauseService')).toBe(0);
  });
});

describe('protocol', () => {
  const signed = {
    authorization: 'AWS4-HMAC-SHA256 Credential=test/20261130/eu-west-1/apprunner/aws4_request, SignedHeaders=host, Signature=0',
  };
  const post = (headers: Record<string, string>, body: string): Promise<Response> =>
    fetch(emulator.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', ...headers }, body });

  const UNKNOWN = 'UnknownOperationException';
  const SERIALIZATION = 'SerializationException';
  const target = (operation: string): Record<string, string> => ({ ...signed, 'x-amz-target': operation });

  it.each([
    { when: 'an unknown operation', headers: target('AppRunner.CreateService'), body: '{}', status: 400, type: UNKNOWN },
    { when: 'a prototype key as operation', headers: target('AppRunner.constructor'), body: '{}', status: 400, type: UNKNOWN },
    { when: 'a body that is not JSON', headers: target('AppRunner.ListServices'), body: '{', status: 400, type: SERIALIZATION },
    {
      when: 'an unsigned request',
      headers: { 'x-amz-target': 'AppRunner.ListServices' },
      body: '{}',
      status: 403,
      type: 'MissingAuthenticationTokenException',
    },
  ])('answers $when with $status $type', async ({ headers, body, status, type }) => {
    const response = await post(headers, body);

    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(await response.json()).toEqual({ __type: type, Message: expect.any(String) });
  });

  it('sends timestamps as epoch seconds', async () => {
    emulator.addService({ name: 'web-app' });

    const body = (await (await post(target('AppRunner.ListServices'), '')).json()) as {
      ServiceSummaryList: { CreatedAt: unknown }[];
    };

    expect(body.ServiceSummaryList[0].CreatedAt).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('serves clients routed by AWS_ENDPOINT_URL_APPRUNNER and AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API', async () => {
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_APPRUNNER = emulator.endpoint;
    process.env.AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API = emulator.endpoint;
    try {
      emulator.addService({ name: 'web-app', tags: { a: 'b' } });
      const viaEnv = new AppRunnerClient({ region: 'eu-west-1', credentials });
      const taggingViaEnv = new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1', credentials });
      extraClients.push(viaEnv, taggingViaEnv);

      expect((await viaEnv.send(new ListServicesCommand({}))).ServiceSummaryList).toHaveLength(1);
      expect((await taggingViaEnv.send(new GetResourcesCommand({}))).ResourceTagMappingList).toHaveLength(1);
    } finally {
      process.env = saved;
    }
  });
});

describe('scale and shutdown', () => {
  it('serves a 1,000-service fleet: full list sweeps and 1,000 concurrent describes', async () => {
    const arns = names(1000).map((name, i) => emulator.addService({ name, tags: { shard: String(i % 4) } }));

    const [{ names: listed }, tagged] = await Promise.all([
      listAllServices(),
      getAllResources({ TagFilters: [{ Key: 'shard', Values: ['1'] }] }),
      Promise.all(arns.map((arn) => appRunner.send(new DescribeServiceCommand({ ServiceArn: arn })))),
    ]);

    expect(listed).toHaveLength(1000);
    expect(tagged).toHaveLength(250);
  });

  it('closes promptly with kept-alive connections and delayed requests outstanding', async () => {
    emulator.addService({ name: 'web-app' });
    await appRunner.send(new ListServicesCommand({}));
    emulator.setLatency(10_000);
    const stuck = appRunnerClient('eu-west-1', 1).send(new ListServicesCommand({})).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();

    await emulator.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await stuck).toBeInstanceOf(Error);
  });
});

describe('a deployment that fails and rolls back', () => {
  it.each(['ROLLBACK_SUCCEEDED', 'ROLLBACK_FAILED'] as const)(
    'goes IN_PROGRESS, then ROLLBACK_IN_PROGRESS, then %s, the service back on its previous version',
    async (final) => {
      const arn = emulator.addService({ name: 'web-app', autoDeploymentsEnabled: false });
      emulator.publishVersion(arn);
      emulator.failNextDeployment(arn, final);

      const { OperationId } = await appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));
      const statusOfOperation = async () => (await appRunner.send(new ListOperationsCommand({ ServiceArn: arn }))).OperationSummaryList?.[0];
      expect(await statusOfOperation()).toMatchObject({ Id: OperationId, Status: 'IN_PROGRESS' });
      await new Promise((resolve) => setTimeout(resolve, OPERATION_MS * 1.5));
      expect(await statusOfOperation()).toMatchObject({ Id: OperationId, Status: 'ROLLBACK_IN_PROGRESS' });
      expect(await statusOf(arn)).toBe('OPERATION_IN_PROGRESS');
      await emulator.settled();

      expect(await statusOfOperation()).toMatchObject({ Id: OperationId, Status: final, EndedAt: expect.any(Date) });
      expect(await statusOf(arn)).toBe('RUNNING');
      expect(emulator.service(arn).deployedVersion).toBe(1);
    },
  );
});

describe('EventBridge events', () => {
  it('announces each operation as it ends, in the documented shape, with no operation id', async () => {
    const events: OperationEvent[] = [];
    emulator.onOperationEvent((event) => events.push(event));
    const arn = emulator.addService({ name: 'web-app', status: 'PAUSED' });
    const { Service } = await appRunner.send(new DescribeServiceCommand({ ServiceArn: arn }));

    await appRunner.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await emulator.settled();
    emulator.failNextDeployment(arn);
    await appRunner.send(new StartDeploymentCommand({ ServiceArn: arn }));
    await emulator.settled();

    expect(events.map((e) => e.detail.operationStatus)).toEqual(['ResumeServiceCompletedSuccessfully', 'DeploymentFailed']);
    expect(events[1]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'AppRunner Service Operation Status Change',
      source: 'aws.apprunner',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'eu-west-1',
      resources: [arn],
      detail: { operationStatus: 'DeploymentFailed', ServiceName: 'web-app', ServiceId: Service?.ServiceId, Message: 'Deployment failed (ROLLBACK_SUCCEEDED).', Severity: 'ERROR' },
    });
    expect(() => events.forEach((event) => parseOperationEvent(event))).not.toThrow();
  });

  it('stops sending to a sink once it is removed', async () => {
    const events: OperationEvent[] = [];
    const remove = emulator.onOperationEvent((event) => events.push(event));
    const arn = emulator.addService({ name: 'web-app' });
    remove();

    await appRunner.send(new PauseServiceCommand({ ServiceArn: arn }));
    await emulator.settled();

    expect(events).toEqual([]);
  });
});
