/**
 * What the AWS SDK would read from the environment, read from the environment the command line was
 * given: region, profile, static credentials and `AWS_ENDPOINT_URL_*` endpoints. For the shipped bin
 * that environment is `process.env`, so this is exactly the SDK's own behaviour; tests hand `main` an
 * environment of their own (pointed at the emulator) without touching the process's.
 */

/** The variables the command line reads. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The AWS APIs the command line calls, by the name their `AWS_ENDPOINT_URL_<NAME>` variable uses. */
export type AwsApi = 'APPRUNNER' | 'RESOURCE_GROUPS_TAGGING_API' | 'LAMBDA';

/** Client settings taken from the environment; what it does not say is left to the SDK's default chain. */
export interface AwsSettings {
  /** `AWS_REGION`, else `AWS_DEFAULT_REGION`; undefined leaves it to the profile's config. */
  readonly region?: string;
  /** `AWS_PROFILE`. */
  readonly profile?: string;
  /** `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`) when both are set. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The endpoint of one API: `AWS_ENDPOINT_URL_<API>`, else `AWS_ENDPOINT_URL`, as the SDK reads them. */
  endpoint(api: AwsApi): string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads the AWS settings of an environment. */
export function awsSettings(env: Environment): AwsSettings {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const ignoreEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() === 'true';
  return {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    profile: nonEmpty(env.AWS_PROFILE),
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined,
    endpoint: (api) => (ignoreEndpoints ? undefined : nonEmpty(env[`AWS_ENDPOINT_URL_${api}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL)),
  };
}
