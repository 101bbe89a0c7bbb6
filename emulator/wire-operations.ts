/**
 * The operations the emulator answers, as JSON in and JSON out: input validation, lookups in the
 * fleet, pagination tokens and the response shapes of the App Runner 2020-05-15 model and of the
 * Resource Groups Tagging API's GetResources.
 *
 * Validation follows the model's constraints and answers InvalidRequestException (App Runner) or
 * InvalidParameterException (Tagging API): the SDK validates nothing client-side, so a bad MaxResults
 * really reaches the service.
 */
import { ApiError, invalidParameter, invalidRequest, resourceNotFound } from './api-error';
import { ApiName, accessDeniedError } from './faults';
import { Fleet, OperationRecord, ServiceRecord } from './fleet';

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** What a handler knows about the request besides its input. */
export interface RequestContext {
  /** The Region from the SigV4 credential scope. */
  readonly region: string;
  /** The caller's account's services: the credentials decide the account. */
  readonly fleet: Fleet;
  /** Page size when a list request names none; undefined means the API's own default. */
  readonly defaultPageSize?: number;
}

type Handler = (input: JsonObject, ctx: RequestContext) => JsonObject;

/** AppRunnerResourceArn in the model: 1-1011 characters, this pattern. */
const RESOURCE_ARN = /^arn:aws(-[\w]+)*:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[0-9]{12}:(\w|\/|-){1,1011}$/;
const SERVICE_ARN = /^arn:[^:]+:apprunner:([^:]*):([0-9]{12}):service\/[^/]+\/[0-9a-f]{32}$/;
/** TagKey in the App Runner model: 1-128 characters, not starting with 'aws:'. */
const TAG_KEY_MAX = 128;
/** TagValue: 0-256 characters. */
const TAG_VALUE_MAX = 256;
/**
 * App Runner's model sets no limit on tags per resource; 50 is the general AWS limit that the Tagging API
 * documents ("Each resource can have up to 50 tags"). The error for exceeding it is not documented.
 */
const TAGS_PER_RESOURCE_MAX = 50;
/** ServiceMaxResults and ListOperationsMaxResults: 1-20. */
const APP_RUNNER_MAX_RESULTS = 20;
/**
 * GetResources without ResourcesPerPage: the default is not documented. 50 is what moto (the Python AWS
 * emulator) uses; a caller that relies on any particular default is wrong anyway.
 */
const GET_RESOURCES_DEFAULT_PAGE = 50;

/** The App Runner operations the emulator serves, by name. */
export const APP_RUNNER_OPERATIONS: Readonly<Record<string, Handler>> = {
  ListServices: listServices,
  DescribeService: (input, ctx) => ({ Service: serviceShape(lookupService(input, 'ServiceArn', ctx)) }),
  PauseService: (input, ctx) => startOperation(input, ctx, 'PAUSE_SERVICE'),
  ResumeService: (input, ctx) => startOperation(input, ctx, 'RESUME_SERVICE'),
  StartDeployment: startDeployment,
  ListOperations: listOperations,
  ListTagsForResource: (input, ctx) => ({ Tags: tagList(lookupService(input, 'ResourceArn', ctx)) }),
  TagResource: tagResource,
  UntagResource: untagResource,
  DescribeAutoScalingConfiguration: describeAutoScalingConfiguration,
};

/** The Tagging API operations the emulator serves, by name. */
export const TAGGING_OPERATIONS: Readonly<Record<string, Handler>> = {
  GetResources: getResources,
};

/** The operations that change state, as the call log's `mutatingCalls()` counts them. */
export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set([
  'TagResource',
  'UntagResource',
  'PauseService',
  'ResumeService',
  'StartDeployment',
]);

/** The ARNs a request names, for the call log and for fault filters. */
export function arnsNamedBy(input: JsonObject): string[] {
  const arns: string[] = [];
  for (const key of ['ServiceArn', 'ResourceArn', 'AutoScalingConfigurationArn']) {
    if (typeof input[key] === 'string') arns.push(input[key]);
  }
  if (Array.isArray(input.ResourceARNList)) {
    for (const arn of input.ResourceARNList) if (typeof arn === 'string') arns.push(arn);
  }
  return arns;
}

function listServices(input: JsonObject, ctx: RequestContext): JsonObject {
  const limit = maxResults(input, ctx);
  const after = readToken(input.NextToken, `ListServices:${ctx.region}`, invalidRequest);
  const { items, more } = ctx.fleet.page(ctx.region, after, limit);
  return {
    ServiceSummaryList: items.map(serviceSummary),
    NextToken: more ? makeToken(`ListServices:${ctx.region}`, items[items.length - 1].seq) : undefined,
  };
}

/**
 * DescribeAutoScalingConfiguration: `AutoScalingConfigurationArn` (AppRunnerResourceArn, required), a
 * full or partial ARN (see `auto-scaling.ts`); unknown in the Region: ResourceNotFoundException.
 */
function describeAutoScalingConfiguration(input: JsonObject, ctx: RequestContext): JsonObject {
  const arn = input.AutoScalingConfigurationArn;
  if (typeof arn !== 'string' || arn.length > 1011 || !RESOURCE_ARN.test(arn)) {
    throw invalidRequest(`AutoScalingConfigurationArn must be an App Runner resource ARN, got ${JSON.stringify(arn ?? null)}`);
  }
  checkSameAccount(arn, ctx);
  const record = ctx.fleet.autoScaling.lookup(ctx.region, arn);
  if (!record) throw resourceNotFound(`Auto scaling configuration ${arn} not found`);
  const hasAssociatedService = ctx.fleet.all().some((s) => s.autoScaling.arn === record.arn && s.status !== 'DELETED');
  return {
    AutoScalingConfiguration: {
      AutoScalingConfigurationArn: record.arn,
      AutoScalingConfigurationName: record.name,
      AutoScalingConfigurationRevision: record.revision,
      Latest: ctx.fleet.autoScaling.isLatest(record),
      Status: 'ACTIVE',
      MaxConcurrency: record.maxConcurrency,
      MinSize: record.minSize,
      MaxSize: record.maxSize,
      CreatedAt: seconds(record.createdAt),
      HasAssociatedService: hasAssociatedService,
      IsDefault: record.isDefault,
    },
  };
}

function startOperation(input: JsonObject, ctx: RequestContext, type: 'PAUSE_SERVICE' | 'RESUME_SERVICE'): JsonObject {
  const record = lookupService(input, 'ServiceArn', ctx);
  const operation = ctx.fleet.start(record, type);
  return { Service: serviceShape(record), OperationId: operation.id };
}

function startDeployment(input: JsonObject, ctx: RequestContext): JsonObject {
  const record = lookupService(input, 'ServiceArn', ctx);
  return { OperationId: ctx.fleet.start(record, 'START_DEPLOYMENT').id };
}

function listOperations(input: JsonObject, ctx: RequestContext): JsonObject {
  const record = lookupService(input, 'ServiceArn', ctx);
  const limit = maxResults(input, ctx);
  // The token holds the position (1-based, from the oldest) of the last operation returned; the next
  // page continues with older ones, so operations started meanwhile do not shift it.
  const scope = `ListOperations:${record.arn}`;
  const before = nonEmptyString(input.NextToken) === undefined
    ? record.operations.length + 1
    : readToken(input.NextToken, scope, invalidRequest);
  const newestFirst: OperationRecord[] = [];
  for (let position = before - 1; position >= 1 && newestFirst.length < limit; position--) {
    newestFirst.push(record.operations[position - 1]);
  }
  const lastPosition = before - newestFirst.length;
  return {
    OperationSummaryList: newestFirst.map((operation) => operationSummary(operation, record.arn)),
    NextToken: lastPosition > 1 ? makeToken(scope, lastPosition) : undefined,
  };
}

function tagResource(input: JsonObject, ctx: RequestContext): JsonObject {
  const record = lookupService(input, 'ResourceArn', ctx);
  if (!Array.isArray(input.Tags)) throw invalidRequest('Tags is required: a list of {Key, Value}.');
  const next = new Map(record.tags);
  for (const tag of input.Tags as unknown[]) {
    const { Key: key, Value: value } = (tag ?? {}) as JsonObject;
    checkTagKey(key);
    // Value is optional in the model (TagValue, 0-256 characters); a missing one is stored as ''.
    if (value !== undefined && value !== null && (typeof value !== 'string' || value.length > TAG_VALUE_MAX)) {
      throw invalidRequest(`Tag value for '${key}' must be a string of at most ${TAG_VALUE_MAX} characters.`);
    }
    next.set(key, typeof value === 'string' ? value : '');
  }
  if (next.size > TAGS_PER_RESOURCE_MAX) {
    throw invalidRequest(`A resource can have at most ${TAGS_PER_RESOURCE_MAX} tags; this request would leave ${next.size}.`);
  }
  ctx.fleet.replaceTags(record, next);
  return {};
}

function untagResource(input: JsonObject, ctx: RequestContext): JsonObject {
  const record = lookupService(input, 'ResourceArn', ctx);
  if (!Array.isArray(input.TagKeys)) throw invalidRequest('TagKeys is required: a list of tag keys.');
  const next = new Map(record.tags);
  for (const key of input.TagKeys as unknown[]) {
    checkTagKey(key);
    next.delete(key);
  }
  ctx.fleet.replaceTags(record, next);
  return {};
}

/**
 * GetResources for App Runner services only. What the public documentation says, and what the emulator does:
 * - It "returns all the tagged or previously tagged resources" of the Region: a service never tagged is not
 *   returned, one whose tags were all removed is, with `Tags: []`. The emulator does the same.
 * - The Tagging API reads an index that AWS describes as eventually consistent with the services' own
 *   tagging calls; the emulator's index is the service state itself, so it is always current.
 * - A page "can return fewer than [ResourcesPerPage] even if there are more results": callers must follow
 *   PaginationToken until it is empty. The emulator fills every page but the last.
 * - The last page has PaginationToken '' (the docs say null; the SDK paginator stops on either).
 */
function getResources(input: JsonObject, ctx: RequestContext): JsonObject {
  const arnList = input.ResourceARNList;
  const token = nonEmptyString(input.PaginationToken);
  if (arnList !== undefined && arnList !== null) {
    if (input.ResourcesPerPage !== undefined || input.TagsPerPage !== undefined || token !== undefined) {
      throw invalidParameter('ResourceARNList cannot be combined with ResourcesPerPage, TagsPerPage or PaginationToken.');
    }
    if (!Array.isArray(arnList) || arnList.length < 1 || arnList.length > 100) {
      throw invalidParameter('ResourceARNList must hold 1 to 100 ARNs.');
    }
  }
  const perPage = integerParameter(input.ResourcesPerPage, 'ResourcesPerPage', 1, 100, invalidParameter) ??
    ctx.defaultPageSize ?? GET_RESOURCES_DEFAULT_PAGE;
  const tagsPerPage = integerParameter(input.TagsPerPage, 'TagsPerPage', 100, 500, invalidParameter) ?? Infinity;
  const matchesTags = tagFilterPredicate(input.TagFilters);
  const matchesType = resourceTypePredicate(input.ResourceTypeFilters);
  const wanted = Array.isArray(arnList) ? new Set(arnList) : undefined;
  const scope = `GetResources:${ctx.region}`;
  const after = token === undefined ? 0 : readToken(token, scope, invalidParameter);

  const accept = (record: ServiceRecord): boolean =>
    record.everTagged && record.status !== 'DELETED' && (wanted === undefined || wanted.has(record.arn)) &&
    matchesType() && matchesTags(record.tags);
  const { items, more } = ctx.fleet.page(ctx.region, after, wanted ? wanted.size : perPage, accept);
  // TagsPerPage: a page holds whole resources, each counting as at least one tag.
  let kept = 0;
  let tagCount = 0;
  while (kept < items.length && tagCount + Math.max(1, items[kept].tags.size) <= tagsPerPage) {
    tagCount += Math.max(1, items[kept].tags.size);
    kept++;
  }
  const page = items.slice(0, Math.max(kept, 1));
  const hasMore = more || page.length < items.length;
  return {
    ResourceTagMappingList: page.map((record) => ({ ResourceARN: record.arn, Tags: tagList(record) })),
    PaginationToken: hasMore && page.length > 0 ? makeToken(scope, page[page.length - 1].seq) : '',
  };
}

/** TagFilters: AND across filters, OR within one filter's Values, any value when Values is empty. */
function tagFilterPredicate(filters: unknown): (tags: ReadonlyMap<string, string>) => boolean {
  if (filters === undefined || filters === null) return () => true;
  if (!Array.isArray(filters) || filters.length > 50) throw invalidParameter('TagFilters must be a list of at most 50 filters.');
  const parsed = filters.map((filter: unknown) => {
    const { Key: key, Values: values } = (filter ?? {}) as JsonObject;
    if (typeof key !== 'string' || key.length < 1 || key.length > TAG_KEY_MAX) {
      throw invalidParameter(`Each TagFilter needs a Key of 1-${TAG_KEY_MAX} characters.`);
    }
    if (values !== undefined && values !== null && (!Array.isArray(values) || values.length > 20)) {
      throw invalidParameter(`TagFilter '${key}': Values must be a list of at most 20 values.`);
    }
    return { key, values: Array.isArray(values) && values.length > 0 ? new Set(values) : undefined };
  });
  return (tags) =>
    parsed.every(({ key, values }) => tags.has(key) && (values === undefined || values.has(tags.get(key))));
}

/** ResourceTypeFilters: 'service[:resourceType]'; the emulator only has 'apprunner:service'. */
function resourceTypePredicate(filters: unknown): () => boolean {
  if (filters === undefined || filters === null) return () => true;
  if (!Array.isArray(filters) || filters.length > 100) {
    throw invalidParameter('ResourceTypeFilters must be a list of at most 100 resource types.');
  }
  const matches = filters.some((type) => type === 'apprunner' || type === 'apprunner:service');
  return () => matches;
}

/** Validates the ARN member and finds the service; a well-formed ARN of nothing here is not found. */
function lookupService(input: JsonObject, member: 'ServiceArn' | 'ResourceArn', ctx: RequestContext): ServiceRecord {
  const arn = input[member];
  if (typeof arn !== 'string' || arn.length === 0) throw invalidRequest(`${member} is required.`);
  if (arn.length > 1011 || !RESOURCE_ARN.test(arn)) {
    throw invalidRequest(`${member} '${arn}' is not a valid App Runner resource ARN.`);
  }
  checkSameAccount(arn, ctx);
  // Each Region has its own endpoint and its own services, so an ARN of another Region (or resource
  // type) names nothing that this endpoint knows: not found, as for a deleted service.
  const match = SERVICE_ARN.exec(arn);
  if (!match || match[1] !== ctx.region) throw resourceNotFound(arn);
  const record = ctx.fleet.find(arn);
  if (!record) throw resourceNotFound(arn);
  return record;
}

/**
 * A resource of another account: AccessDeniedException (400), what IAM answers when no policy lets the
 * caller act on it. App Runner's model is silent on cross-account calls (it declares no
 * AccessDeniedException); without a resource policy, which App Runner services do not have, IAM denies them.
 */
function checkSameAccount(arn: string, ctx: RequestContext): void {
  const account = arn.split(':')[4];
  if (account !== ctx.fleet.account) {
    throw accessDeniedError(
      'AppRunner',
      `User of account ${ctx.fleet.account} is not authorized to act on ${arn}: it belongs to account ${account}.`,
    );
  }
}

function checkTagKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length < 1 || key.length > TAG_KEY_MAX) {
    throw invalidRequest(`Tag keys must be strings of 1-${TAG_KEY_MAX} characters; got ${JSON.stringify(key)}.`);
  }
  if (key.startsWith('aws:')) throw invalidRequest(`Tag key '${key}' uses the reserved prefix 'aws:'.`);
}

function maxResults(input: JsonObject, ctx: RequestContext): number {
  // The model: "If you don't specify MaxResults, the request retrieves all available results in a single
  // response." The emulator honours that unless the test set a default page size.
  return integerParameter(input.MaxResults, 'MaxResults', 1, APP_RUNNER_MAX_RESULTS, invalidRequest) ??
    ctx.defaultPageSize ?? Infinity;
}

function integerParameter(
  value: unknown,
  name: string,
  min: number,
  max: number,
  error: (message: string) => ApiError,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw error(
      `1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: ` +
        `Member must be an integer from ${min} to ${max}.`,
    );
  }
  return value;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Opaque to callers; bound to one operation and scope so it cannot be replayed elsewhere. */
function makeToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ scope, position })).toString('base64url');
}

/** A missing or empty token means the first page; anything else must be one of ours for this scope. */
function readToken(token: unknown, scope: string, error: (message: string) => ApiError): number {
  if (nonEmptyString(token) === undefined) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as JsonObject;
    if (decoded.scope === scope && typeof decoded.position === 'number') return decoded.position;
  } catch {
    // Falls through to the error below: a token that is not ours is as invalid as one from elsewhere.
  }
  throw error(`The pagination token '${String(token)}' is not valid for this request.`);
}

/** Epoch milliseconds to the wire's epoch seconds (fractions allowed). */
function seconds(ms: number): number {
  return ms / 1000;
}

function tagList(record: ServiceRecord): JsonObject[] {
  return [...record.tags].map(([Key, Value]) => ({ Key, Value }));
}

function serviceSummary(record: ServiceRecord): JsonObject {
  return {
    ServiceName: record.name,
    ServiceId: record.id,
    ServiceArn: record.arn,
    ServiceUrl: record.url,
    CreatedAt: seconds(record.createdAt),
    UpdatedAt: seconds(record.updatedAt),
    Status: record.status,
  };
}

function operationSummary(operation: OperationRecord, targetArn: string): JsonObject {
  return {
    Id: operation.id,
    Type: operation.type,
    Status: operation.status,
    TargetArn: targetArn,
    StartedAt: seconds(operation.startedAt),
    EndedAt: operation.endedAt === undefined ? undefined : seconds(operation.endedAt),
    UpdatedAt: seconds(operation.updatedAt),
  };
}

/**
 * The model's `Service`, with every member it marks required (ServiceName, ServiceId, ServiceArn, CreatedAt,
 * UpdatedAt, Status, SourceConfiguration, InstanceConfiguration, AutoScalingConfigurationSummary,
 * NetworkConfiguration) and the optional ones a real DescribeService shows. Values the emulator does not
 * model (health check, auto scaling, network) are the documented defaults.
 */
function serviceShape(record: ServiceRecord): JsonObject {
  const { region, account, name } = record;
  const source =
    record.source === 'image'
      ? {
          ImageRepository: {
            ImageIdentifier: `${account}.dkr.ecr.${region}.amazonaws.com/${name}:latest`,
            ImageRepositoryType: 'ECR',
            ImageConfiguration: { Port: '8080' },
          },
          AuthenticationConfiguration: { AccessRoleArn: `arn:aws:iam::${account}:role/service-role/AppRunnerECRAccessRole` },
        }
      : {
          CodeRepository: {
            RepositoryUrl: `https://github.com/example/${name}`,
            SourceCodeVersion: { Type: 'BRANCH', Value: 'main' },
            CodeConfiguration: { ConfigurationSource: 'REPOSITORY' },
          },
          AuthenticationConfiguration: { ConnectionArn: `arn:aws:apprunner:${region}:${account}:connection/github/${record.id}` },
        };
  return {
    ...serviceSummary(record),
    DeletedAt: record.status === 'DELETED' ? seconds(record.updatedAt) : undefined,
    SourceConfiguration: { ...source, AutoDeploymentsEnabled: record.autoDeploymentsEnabled },
    InstanceConfiguration: { Cpu: record.cpu, Memory: record.memory },
    HealthCheckConfiguration: { Protocol: 'TCP', Path: '/', Interval: 5, Timeout: 2, HealthyThreshold: 1, UnhealthyThreshold: 5 },
    AutoScalingConfigurationSummary: {
      AutoScalingConfigurationArn: record.autoScaling.arn,
      AutoScalingConfigurationName: record.autoScaling.name,
      AutoScalingConfigurationRevision: record.autoScaling.revision,
      Status: 'ACTIVE',
      IsDefault: record.autoScaling.isDefault,
    },
    NetworkConfiguration: {
      EgressConfiguration: { EgressType: 'DEFAULT' },
      IngressConfiguration: { IsPubliclyAccessible: true },
      IpAddressType: 'IPV4',
    },
    ObservabilityConfiguration: { ObservabilityEnabled: false },
  };
}

/** The API an X-Amz-Target prefix names, or undefined. */
export function apiOfTarget(prefix: string): ApiName | undefined {
  if (prefix === 'AppRunner') return 'AppRunner';
  if (prefix === 'ResourceGroupsTaggingAPI_20170126') return 'ResourceGroupsTaggingAPI';
  return undefined;
}
