/**
 * The KMS key that encrypts the scheduler's log group and the alarm topic it creates: the one the
 * construct creates (`SchedulerKey`), or the user's, and the key policy statements either needs.
 */
import { Aws, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** Options of the key the construct creates. */
interface SchedulerKeyProps {
  /** What becomes of the key when the stack is deleted or the key replaced: the log group's policy too. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A customer managed key with rotation on (Control Tower CT.KMS.PR.1), an alias that says whose it
 * is, and a policy that denies grants except to AWS services (CT.KMS.PR.3).
 */
export class SchedulerKey extends kms.Key {
  /** The alias, deleted with the stack even when the key is kept, so that a redeploy can create it again. */
  public readonly alias: kms.Alias;

  constructor(scope: Construct, id: string, props: SchedulerKeyProps) {
    super(scope, id, {
      description: 'Encrypts the App Runner scheduler logs and alarm notifications',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // Control Tower CT.KMS.PR.3: grants only for AWS services acting for a caller. Nothing here creates
    // grants itself; the rule accepts exactly this statement (BoolIfExists on both keys, nothing else).
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsUnlessForAnAwsService',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    this.alias = new kms.Alias(this, 'Alias', {
      // The stack's name and the construct's path: unique in the account and region, so two schedulers
      // never collide. The alias is never retained (a kept alias would block the next deploy), so a
      // kept key shows under this name only until the stack is deleted; its description still says.
      aliasName: `alias/${Names.uniqueResourceName(this, { maxLength: 250 - 'alias/'.length, separator: '-', allowedSpecialCharacters: '_-' })}`,
      targetKey: this,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/** Lets CloudWatch Logs of this account and region use the key for log groups, as its guide asks. */
export function logsKeyStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
    },
  });
}

/**
 * Lets CloudWatch alarms of this stack publish to a topic encrypted with the key. SNS asks KMS for a
 * data key on the alarm's behalf, and that request carries the alarm as `aws:SourceArn` and its
 * account as `aws:SourceAccount`. The statement is the one of the SNS developer guide ("Enable
 * compatibility between event sources from AWS services and encrypted topics") and of the re:Post
 * article "configure a CloudWatch alarm with an encrypted SNS topic", with the optional condition
 * those suggest, in the form AWS's MDAA constructs use for alarm topics. Not `kms:CallerAccount` nor
 * `kms:ViaService`: those keys are not what this request carries. A wrong condition fails silently:
 * the alarm still goes off, and only its history says "CloudWatch Alarms does not have authorization
 * to access the SNS topic encryption key".
 *
 * The alarm's ARN must not be a token here: the key would then depend on the alarm, which depends on
 * the topic, which depends on the key (a CloudFormation circular dependency). CloudFormation names an
 * alarm without `AlarmName` `<stack name>-<logical id>-<random>`, so the stack's name is the pattern.
 */
export function cloudWatchAlarmsKeyStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${Aws.STACK_NAME}-*` },
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    },
  });
}
