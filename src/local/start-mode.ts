// Which `npm start` runs, from the environment: nothing Slack-related set → the sandbox; Slack's
// secrets (and AUDIT_TABLE_NAME) set → the bot against real Slack and AWS, over HTTP, or over
// Socket Mode when SLACK_APP_TOKEN is set too. Anything in between is a mistake, named.
import { MissingEnvError, readRuntimeEnv } from '../env';

export type StartMode =
  | { kind: 'sandbox' }
  | { kind: 'http'; auditTableName: string; configPath: string }
  | { kind: 'socket'; auditTableName: string; configPath: string; appToken: string; signingSecret: string }
  | { kind: 'misconfigured'; problem: string };

export const DEFAULT_CONFIG_PATH = 'chatops.config.yml';

export function chooseStartMode(env: Record<string, string | undefined>): StartMode {
  const value = (name: string) => env[name]?.trim() || undefined;
  const signingSecret = value('SLACK_SIGNING_SECRET');
  const botToken = value('SLACK_BOT_TOKEN');
  const appToken = value('SLACK_APP_TOKEN');
  const secretArn = value('SLACK_SECRET_ARN');
  if (!signingSecret && !botToken && !appToken && !secretArn) return { kind: 'sandbox' };

  const missingSecrets = [
    ...(signingSecret ? [] : ['SLACK_SIGNING_SECRET']),
    ...(botToken ? [] : ['SLACK_BOT_TOKEN']),
  ];
  if (appToken && missingSecrets.length > 0) {
    return misconfigured(
      `SLACK_APP_TOKEN is set but ${missingSecrets.join(' and ')} ${missingSecrets.length === 1 ? 'is' : 'are'} not: ` +
        'Socket Mode needs SLACK_APP_TOKEN, SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN ' +
        '(unset all three to start the sandbox)',
    );
  }
  if (missingSecrets.length === 1 && !secretArn) {
    return misconfigured(
      `${missingSecrets[0]} is not set: set both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to serve Slack ` +
        '(or neither, to start the sandbox)',
    );
  }
  let settings: ReturnType<typeof readRuntimeEnv>;
  try {
    settings = readRuntimeEnv(env);
  } catch (error) {
    if (error instanceof MissingEnvError) return misconfigured(error.message);
    throw error;
  }
  const configPath = settings.configPath ?? DEFAULT_CONFIG_PATH;
  if (appToken && signingSecret) {
    return { kind: 'socket', auditTableName: settings.auditTableName, configPath, appToken, signingSecret };
  }
  return { kind: 'http', auditTableName: settings.auditTableName, configPath };
}

const misconfigured = (problem: string): StartMode => ({ kind: 'misconfigured', problem });

/** PORT as a TCP port; 3000 when unset. */
export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return 3000;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}
