/**
 * The only module that talks to AWS: App Runner, and the Resource Groups Tagging API for bulk tag
 * reads. Everything else sees the small `AppRunnerGateway` interface, so runs can be tested against
 * the emulator through the real SDK, and the retry policy lives in one place.
 */
import {
  AppRunnerClient,
  DescribeAutoScalingConfigurationCommand,
  DescribeServiceCommand,
  ListOperationsCommand,
  ListTagsForResourceCommand,
  PauseServiceCommand,
  ResumeServiceCommand,
  StartDeploymentCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListServices,
  type Service,
} from '@aws-sdk/client-apprunner';
import { ResourceGroupsTaggingAPIClient, paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { AppRunnerCallError, errorName, ServiceNotFoundError, ServiceStateConflictError } from './errors';
import { parseServiceArn } from '../contract/event';

/** The most items a page of ListServices or ListOperations holds (`MaxResults` 1-20): the gateway asks for full pages. */
export const APP_RUNNER_PAGE_SIZE = 20;
/** The most resources a page of the Tagging API's GetResources holds. */
export const GET_RESOURCES_PAGE_SIZE = 100;

/** A service as a bulk listing shows it. */
export interface ServiceSummary {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
}

/** A service as DescribeService shows it: what the run needs of it. */
export interface ServiceDetail extends ServiceSummary {
  /** `SourceConfiguration.AutoDeploymentsEnabled`; false when App Runner leaves it out. */
  readonly autoDeploymentsEnabled: boolean;
  /** `InstanceConfiguration.Cpu` as App Runner shows it: CPU units ("1024") or vCPUs ("1 vCPU"). */
  readonly cpu?: string;
  /** `InstanceConfiguration.Memory` as App Runner shows it: MB ("2048") or GB ("2 GB"). */
  readonly memory?: string;
  /** `AutoScalingConfigurationSummary.AutoScalingConfigurationArn`: the configuration whose MinSize says how many instances are provisioned. */
  readonly autoScalingConfigurationArn?: string;
}

/** What DescribeAutoScalingConfiguration says of the instances a service keeps. */
export interface AutoScalingSize {
  readonly arn: string;
  /** `MinSize`: the instances App Runner provisions (1-25); undefined when the answer leaves it out. */
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly maxConcurrency?: number;
}

/** One entry of a service's operation history, newest first as ListOperations returns it. */
export interface OperationRecord {
  readonly id?: string;
  readonly type?: string;
  readonly status?: string;
  /** `StartedAt`, epoch ms. */
  readonly startedAt?: number;
  /** `EndedAt`, epoch ms; absent while the operation runs. */
  readonly endedAt?: number;
}

/** How far a ListServices walk goes, and who sees its pages. */
export interface ListServicesOptions {
  /** Stop after this many pages. @default every page */
  readonly maxPages?: number;
  /** Sees each page's services as soon as that page is read, before the next page is asked for. */
  readonly onPage?: (page: readonly ServiceSummary[]) => void;
}

/** What a ListServices walk read, and whether it read the region to its last page. */
export interface ServiceScan {
  readonly services: ServiceSummary[];
  readonly complete: boolean;
}

/**
 * What ResumeService answers. The run keeps `service` for the deployment decision after the
 * resume: it carries AutoDeploymentsEnabled, so that no DescribeService is needed for it.
 */
export interface ResumeStarted {
  readonly operationId?: string;
  /** Absent only if App Runner leaves out the Service it documents as always returned. */
  readonly service?: ServiceDetail;
}

/** The calls a run makes. Every method throws `AppRunnerCallError` (or a subclass) on failure. */
export interface AppRunnerGateway {
  /** The services of a region, from ListServices pages: all of them, or up to `options.maxPages`. */
  listServices(region: string, options?: ListServicesOptions): Promise<ServiceScan>;
  /** The services in a region that carry all the given tags, with all their tags (Tagging API, all pages). */
  findTaggedServices(region: string, tags: Readonly<Record<string, string>>): Promise<Map<string, Record<string, string>>>;
  describeService(arn: string): Promise<ServiceDetail>;
  listTags(arn: string): Promise<Record<string, string>>;
  /** The first page of the service's operations, newest first. */
  listRecentOperations(arn: string): Promise<OperationRecord[]>;
  /** Sets the tag `key`, and `alsoTags` in the same call. */
  tagService(arn: string, key: string, value: string, alsoTags?: Readonly<Record<string, string>>): Promise<void>;
  untagService(arn: string, key: string): Promise<void>;
  /** Starts a pause; returns the operation id. */
  pauseService(arn: string): Promise<string | undefined>;
  /** Starts a resume; returns the operation id and the service as the answer shows it. */
  resumeService(arn: string): Promise<ResumeStarted>;
  /** Starts a deployment; returns the operation id. */
  startDeployment(arn: string): Promise<string>;
  /** An auto scaling configuration's sizes, by its ARN (which names its region). */
  describeAutoScalingConfiguration(arn: string): Promise<AutoScalingSize>;
}

/**
 * Sorts an SDK error into the run's error types. `InvalidStateException` means the state changed
 * under us. StartDeployment declares no errors in the model, so an `InvalidRequestException` from it
 * is read as a state conflict too (App Runner refuses deployments on a service that is not RUNNING).
 */
function classify(operation: string, target: string, error: unknown): AppRunnerCallError {
  const name = errorName(error);
  if (name === 'ResourceNotFoundException') return new ServiceNotFoundError(operation, target, error);
  if (name === 'InvalidStateException' || (operation === 'StartDeployment' && name === 'InvalidRequestException')) {
    return new ServiceStateConflictError(operation, target, error);
  }
  return new AppRunnerCallError(operation, target, error);
}

async function call<T>(operation: string, target: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw classify(operation, target, error);
  }
}

function tagsFromList(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
  }
  return result;
}

function serviceDetail(arn: string, service: Service | undefined): ServiceDetail {
  return {
    arn,
    name: service?.ServiceName ?? '',
    status: service?.Status ?? 'UNKNOWN',
    autoDeploymentsEnabled: service?.SourceConfiguration?.AutoDeploymentsEnabled ?? false,
    cpu: service?.InstanceConfiguration?.Cpu,
    memory: service?.InstanceConfiguration?.Memory,
    autoScalingConfigurationArn: service?.AutoScalingConfigurationSummary?.AutoScalingConfigurationArn,
  };
}

/** `arn:<partition>:apprunner:<region>:<account>:autoscalingconfiguration/...` (Service Authorization Reference); group 1 is the region. */
const AUTO_SCALING_CONFIGURATION_ARN = /^arn:[^:]+:apprunner:([a-z0-9-]+):[0-9]{12}:autoscalingconfiguration\/.+$/;

/** Credentials as the SDK clients take them; `expiration` for temporary ones. */
export interface GatewayCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** How the SDK clients are built: one per region, created on first use and kept for the container's life. */
export interface SdkGatewayOptions {
  /** Attempts per call, the first included, for throttling and 5xx. @default 8 */
  readonly maxAttempts?: number;
  /**
   * The SDK's retry mode. Adaptive adds client-side rate limiting on top of standard retries, which
   * is what a fleet-wide run needs when App Runner throttles. @default 'adaptive'
   */
  readonly retryMode?: 'standard' | 'adaptive';
  /**
   * Credentials for the clients, or a function that gives them (each client memoizes what it gives
   * and asks again 5 minutes before `expiration`); the SDK's default chain when absent.
   */
  readonly credentials?: GatewayCredentials | (() => Promise<GatewayCredentials>);
  /** An endpoint for both APIs (the emulator); the SDK's `AWS_ENDPOINT_URL_*` variables work too. */
  readonly endpoint?: string;
  /** An endpoint for the Tagging API alone, over `endpoint` (the command line's `AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API`). */
  readonly taggingEndpoint?: string;
  /** The shared config profile the default credential chain reads. @default the SDK's (`AWS_PROFILE`) */
  readonly profile?: string;
}

/** The gateway backed by the AWS SDK v3 clients. */
export class SdkAppRunnerGateway implements AppRunnerGateway {
  private readonly appRunnerClients = new Map<string, AppRunnerClient>();
  private readonly taggingClients = new Map<string, ResourceGroupsTaggingAPIClient>();

  constructor(private readonly options: SdkGatewayOptions = {}) {}

  private clientConfig(region: string, endpoint = this.options.endpoint) {
    return {
      region,
      maxAttempts: this.options.maxAttempts ?? 8,
      retryMode: this.options.retryMode ?? 'adaptive',
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(this.options.profile ? { profile: this.options.profile } : {}),
    };
  }

  private appRunner(region: string): AppRunnerClient {
    let client = this.appRunnerClients.get(region);
    if (!client) {
      client = new AppRunnerClient(this.clientConfig(region));
      this.appRunnerClients.set(region, client);
    }
    return client;
  }

  private tagging(region: string): ResourceGroupsTaggingAPIClient {
    let client = this.taggingClients.get(region);
    if (!client) {
      client = new ResourceGroupsTaggingAPIClient(this.clientConfig(region, this.options.taggingEndpoint ?? this.options.endpoint));
      this.taggingClients.set(region, client);
    }
    return client;
  }

  private forArn(arn: string): AppRunnerClient {
    const parts = parseServiceArn(arn);
    if (!parts) throw new AppRunnerCallError('(client)', arn, new Error('not an App Runner service ARN'));
    return this.appRunner(parts.region);
  }

  listServices(region: string, { maxPages = Infinity, onPage }: ListServicesOptions = {}): Promise<ServiceScan> {
    return call('ListServices', region, async () => {
      const services: ServiceSummary[] = [];
      let pages = 0;
      for await (const page of paginateListServices({ client: this.appRunner(region), pageSize: APP_RUNNER_PAGE_SIZE }, {})) {
        pages += 1;
        const summaries: ServiceSummary[] = [];
        for (const s of page.ServiceSummaryList ?? []) {
          if (s.ServiceArn) summaries.push({ arn: s.ServiceArn, name: s.ServiceName ?? '', status: s.Status ?? 'UNKNOWN' });
        }
        services.push(...summaries);
        onPage?.(summaries);
        if (page.NextToken && pages >= maxPages) return { services, complete: false };
      }
      return { services, complete: true };
    });
  }

  findTaggedServices(region: string, tags: Readonly<Record<string, string>>): Promise<Map<string, Record<string, string>>> {
    return call('GetResources', region, async () => {
      const found = new Map<string, Record<string, string>>();
      const TagFilters = Object.entries(tags).map(([Key, Value]) => ({ Key, Values: [Value] }));
      const pages = paginateGetResources(
        { client: this.tagging(region), pageSize: GET_RESOURCES_PAGE_SIZE },
        { TagFilters, ResourceTypeFilters: ['apprunner:service'] },
      );
      for await (const page of pages) {
        for (const mapping of page.ResourceTagMappingList ?? []) {
          if (mapping.ResourceARN) found.set(mapping.ResourceARN, tagsFromList(mapping.Tags));
        }
      }
      return found;
    });
  }

  describeService(arn: string): Promise<ServiceDetail> {
    return call('DescribeService', arn, async () => {
      const { Service } = await this.forArn(arn).send(new DescribeServiceCommand({ ServiceArn: arn }));
      return serviceDetail(arn, Service);
    });
  }

  listTags(arn: string): Promise<Record<string, string>> {
    return call('ListTagsForResource', arn, async () => {
      const { Tags } = await this.forArn(arn).send(new ListTagsForResourceCommand({ ResourceArn: arn }));
      return tagsFromList(Tags);
    });
  }

  listRecentOperations(arn: string): Promise<OperationRecord[]> {
    return call('ListOperations', arn, async () => {
      const { OperationSummaryList } = await this.forArn(arn).send(new ListOperationsCommand({ ServiceArn: arn, MaxResults: APP_RUNNER_PAGE_SIZE }));
      return (OperationSummaryList ?? []).map((o) => ({
        id: o.Id,
        type: o.Type,
        status: o.Status,
        startedAt: o.StartedAt?.getTime(),
        endedAt: o.EndedAt?.getTime(),
      }));
    });
  }

  async tagService(arn: string, key: string, value: string, alsoTags: Readonly<Record<string, string>> = {}): Promise<void> {
    const Tags = Object.entries({ ...alsoTags, [key]: value }).map(([Key, Value]) => ({ Key, Value }));
    await call('TagResource', arn, () => this.forArn(arn).send(new TagResourceCommand({ ResourceArn: arn, Tags })));
  }

  async untagService(arn: string, key: string): Promise<void> {
    await call('UntagResource', arn, () => this.forArn(arn).send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [key] })));
  }

  async pauseService(arn: string): Promise<string | undefined> {
    const output = await call('PauseService', arn, () => this.forArn(arn).send(new PauseServiceCommand({ ServiceArn: arn })));
    return output.OperationId;
  }

  async resumeService(arn: string): Promise<ResumeStarted> {
    const output = await call('ResumeService', arn, () => this.forArn(arn).send(new ResumeServiceCommand({ ServiceArn: arn })));
    return { operationId: output.OperationId, service: output.Service && serviceDetail(arn, output.Service) };
  }

  async startDeployment(arn: string): Promise<string> {
    const output = await call('StartDeployment', arn, () => this.forArn(arn).send(new StartDeploymentCommand({ ServiceArn: arn })));
    return output.OperationId ?? '';
  }

  describeAutoScalingConfiguration(arn: string): Promise<AutoScalingSize> {
    return call('DescribeAutoScalingConfiguration', arn, async () => {
      const region = AUTO_SCALING_CONFIGURATION_ARN.exec(arn)?.[1];
      if (!region) throw new Error('not an App Runner auto scaling configuration ARN');
      const { AutoScalingConfiguration: c } = await this.appRunner(region).send(
        new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }),
      );
      return { arn, minSize: c?.MinSize, maxSize: c?.MaxSize, maxConcurrency: c?.MaxConcurrency };
    });
  }
}
