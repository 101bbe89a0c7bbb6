import { MEMBER_ROLE_NAME, memberRoleArn } from '../../contract/member-role';

describe('the member role', () => {
  it('has one fixed name, which its ARN names in the given partition and account', () => {
    expect(memberRoleArn('aws', '210987654321')).toBe('arn:aws:iam::210987654321:role/AppRunnerSchedulerMember');
    expect(memberRoleArn('aws-cn', '210987654321')).toBe(`arn:aws-cn:iam::210987654321:role/${MEMBER_ROLE_NAME}`);
  });
});
