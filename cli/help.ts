/** The help texts of the command line, one per command. */
import type { CommandName } from './arguments';

const SELECTION = `Selection:
  --tags k=v,...        services carrying all these tags (in --regions, else AWS_REGION)
  --services s,...      service ARNs or names (a name is looked up in --regions, else AWS_REGION)
  --regions r,...       where tags select and names are looked up
`;

const COMMON = `  --time-zone ZONE      IANA time zone for local times, dated skip tags and holidays
                        (default: the function's, with --function; else TZ or this machine's)
  --function NAME       the scheduler's deployed Lambda function (its stack output FunctionName)
  --json                print JSON instead of a table
  -h, --help            this help
`;

const ENVIRONMENT = `Environment: the AWS SDK's usual chain and variables: AWS_REGION, AWS_PROFILE,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<API>
(APPRUNNER, RESOURCE_GROUPS_TAGGING_API, LAMBDA).
Exit codes: 0 success, 1 a failed run or call (every service's outcome printed), 2 a bad argument
(nothing called).
`;

/** The help of each command, and the top-level help. */
export const HELP: Record<CommandName | 'top', string> = {
  top: `Usage: cdk-apprunner-scheduler <command> [options]

See and steer the App Runner services that cdk-apprunner-scheduler pauses out of hours.

Commands:
  status                      who is paused, snoozed or woken, and what the next runs would do
  plan pause|resume           what a pause or resume run would do now (a dry run through the engine)
  pause, resume               run a pause or resume now, here or through the deployed function
  snooze <service>            keep a service out of pause runs until a time (skip tag)
  wake <service>              resume a paused service until a time, through the deployed function

Run cdk-apprunner-scheduler <command> --help for a command's options.
  --version                   the package's version

${ENVIRONMENT}`,
  status: `Usage: cdk-apprunner-scheduler status [selection] [--time-zone ZONE] [--function NAME] [--json]

A table of the selected services (without a selection: every service in the region): status,
the scheduler's marker, the skip tag (and until when, in local time), and what the next pause and
resume runs would do to each, by the engine's own rules. With --function, the hours the function
was deployed with say whether it is out of hours, and when the next pause and resume run; for a
scheduler with named schedules, a SCHEDULE column says which one each service follows (or why none).

${SELECTION}Options:
${COMMON}
${ENVIRONMENT}`,
  plan: `Usage: cdk-apprunner-scheduler plan pause|resume <selection> [--deploy never|auto|always] [options]

The dry run of a pause or resume run now: what it would do to each selected service, changing
nothing. Runs the engine here with your credentials, or, with --function, the deployed function.

${SELECTION}Options:
  --deploy POLICY       resume only: never, auto (default) or always
${COMMON}
${ENVIRONMENT}`,
  pause: `Usage: cdk-apprunner-scheduler pause <selection> [options]

Pauses the selected services now, by the scheduler's rules (marked, so that the resume run wakes
them). Runs the engine here with your credentials, or, with --function, invokes the deployed
function, whose role and rules then apply. Waits for App Runner to confirm.

${SELECTION}Options:
${COMMON}
${ENVIRONMENT}`,
  resume: `Usage: cdk-apprunner-scheduler resume <selection> [--deploy never|auto|always] [--until T | --for D] [options]

Resumes the services the scheduler paused, then deploys per --deploy. Waits for App Runner, which
takes minutes; a live line on standard error shows how far it is. With --until or --for (which need
--function) the deployed function pauses them again at that time, if it is out of hours then.

${SELECTION}Options:
  --deploy POLICY       never, auto (default: services with automatic deployments) or always
  --until T             HH:MM (today, or tomorrow once past), YYYY-MM-DDTHH:MM, or with an offset
  --for D               a duration: 90m, 2h, 1h30m, PT2H (at most 24 hours)
${COMMON}
${ENVIRONMENT}`,
  snooze: `Usage: cdk-apprunner-scheduler snooze <service> (--until T | --for D) [options]

Keeps a service out of pause runs until a time: sets its skip tag (apprunner-scheduler:skip) to
that local time with its offset. With --function, also invokes the function with a pause event for
that service alone, which skips it and arranges its pause at the snooze's end when that falls out
of hours. Without --function, the next scheduled pause run after the snooze pauses it.

<service> is an ARN or a name (looked up in --region, else AWS_REGION).
Options:
  --until T             HH:MM (today, or tomorrow once past), YYYY-MM-DDTHH:MM, YYYY-MM-DD, or with an offset
  --for D               a duration: 90m, 3h, 1h30m, 2d, PT3H
  --region REGION       where a name is looked up
${COMMON}
${ENVIRONMENT}`,
  wake: `Usage: cdk-apprunner-scheduler wake <service> (--for D | --until T) --function NAME [options]

Resumes a service until a time, through the deployed function: it resumes the service (deploying
per --deploy) and pauses it again at that time, if the scheduler is out of hours then.

<service> is an ARN or a name (looked up in --region, else AWS_REGION).
Options:
  --for D               a duration: 90m, 2h, PT2H (at most 24 hours)
  --until T             HH:MM (today, or tomorrow once past), YYYY-MM-DDTHH:MM, or with an offset
  --deploy POLICY       never, auto (default) or always
  --region REGION       where a name is looked up
${COMMON}
${ENVIRONMENT}`,
};
