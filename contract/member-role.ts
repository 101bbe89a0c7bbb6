/**
 * The role the scheduler function assumes in an account other than its own: one fixed, documented
 * name, so that the function's policy (the hub's `sts:AssumeRole` on that name only), the member
 * accounts' role (`AppRunnerSchedulerMemberRole`) and the engine all agree. Pure: no SDK, no CDK.
 */

/** The name of the role every member account holds for the scheduler. */
export const MEMBER_ROLE_NAME = 'AppRunnerSchedulerMember';

/** The RoleSessionName of the function's sessions, which member accounts' CloudTrail shows. */
export const MEMBER_ROLE_SESSION_NAME = 'apprunner-scheduler';

/** The ARN of the member role in `account`: `arn:<partition>:iam::<account>:role/AppRunnerSchedulerMember`. */
export function memberRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/${MEMBER_ROLE_NAME}`;
}
