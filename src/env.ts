// Reads the runtime variables of DESIGN.md section 6, once, in the composition root. A required
// variable that is missing fails with its name; adapters never read process.env themselves.
// (The AWS SDK reads its own variables, AWS_REGION and AWS_ENDPOINT_URL_*, and we leave them be.)

export class MissingEnvError extends Error {
  override name = 'MissingEnvError';
}

export type SlackSecretsSource =
  | { kind: 'env'; signingSecret: string; botToken: string }
  | { kind: 'secretsManager'; secretArn: string };

export interface RuntimeEnv {
  slackSecrets: SlackSecretsSource;
  auditTableName: string;
  /** A configuration file that overrides the bundled one. */
  configPath: string | undefined;
  slackApiUrl: string;
  /**
   * The worker function the Slack-facing function invokes for its asynchronous work. Unset, the
   * work runs in the same process after the answer (local use only).
   */
  workerFunctionName: string | undefined;
}

/** The worker's own settings (DESIGN.md section 6), beside the shared ones. */
export interface WorkerEnv extends RuntimeEnv {
  /** The role EventBridge Scheduler assumes to invoke the worker (rollout steps). */
  schedulerRoleArn: string | undefined;
  /** The schedule group of the worker's one-time schedules. */
  scheduleGroupName: string | undefined;
}

/** Every variable the bot's code reads: the deployment sets these and no others. */
export const RUNTIME_VARIABLES = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_SECRET_ARN',
  'AUDIT_TABLE_NAME',
  'CHATOPS_CONFIG',
  'SLACK_API_URL',
  'WORKER_FUNCTION_NAME',
  'SCHEDULER_ROLE_ARN',
  'SCHEDULE_GROUP_NAME',
] as const;

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export function readRuntimeEnv(env: Record<string, string | undefined>): RuntimeEnv {
  const value = (name: (typeof RUNTIME_VARIABLES)[number]) => {
    const found = env[name]?.trim();
    return found ? found : undefined;
  };
  const signingSecret = value('SLACK_SIGNING_SECRET');
  const botToken = value('SLACK_BOT_TOKEN');
  const secretArn = value('SLACK_SECRET_ARN');
  let slackSecrets: SlackSecretsSource;
  if (signingSecret && botToken) {
    slackSecrets = { kind: 'env', signingSecret, botToken };
  } else if (secretArn && !signingSecret && !botToken) {
    slackSecrets = { kind: 'secretsManager', secretArn };
  } else if (signingSecret || botToken) {
    const missing = signingSecret ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET';
    throw new MissingEnvError(
      `${missing} is not set: set both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_SECRET_ARN alone`,
    );
  } else {
    throw new MissingEnvError(
      'Slack secrets are not set: set SLACK_SECRET_ARN, or SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN',
    );
  }
  const auditTableName = value('AUDIT_TABLE_NAME');
  if (!auditTableName)
    throw new MissingEnvError('AUDIT_TABLE_NAME is not set: the DynamoDB audit table to use');
  const slackApiUrl = value('SLACK_API_URL') ?? DEFAULT_SLACK_API_URL;
  return {
    slackSecrets,
    auditTableName,
    configPath: value('CHATOPS_CONFIG'),
    slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`,
    workerFunctionName: value('WORKER_FUNCTION_NAME'),
  };
}

export function readWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  const value = (name: string) => env[name]?.trim() || undefined;
  return {
    ...readRuntimeEnv(env),
    schedulerRoleArn: value('SCHEDULER_ROLE_ARN'),
    scheduleGroupName: value('SCHEDULE_GROUP_NAME'),
  };
}
