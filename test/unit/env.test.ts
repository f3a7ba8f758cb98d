import { describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_API_URL, MissingEnvError, readRuntimeEnv } from '../../src/env';

const TABLE = { AUDIT_TABLE_NAME: 'chatops-audit' };
const ENV_SECRETS = { SLACK_SIGNING_SECRET: 'signing-secret', SLACK_BOT_TOKEN: 'xoxb-token' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:chatops-slack-AbCdEf';

describe('readRuntimeEnv', () => {
  it('reads the Slack secrets from the environment', () => {
    // Act
    const env = readRuntimeEnv({ ...ENV_SECRETS, ...TABLE, WORKER_FUNCTION_NAME: 'chatops-worker' });

    // Assess
    expect(env).toEqual({
      slackSecrets: { kind: 'env', signingSecret: 'signing-secret', botToken: 'xoxb-token' },
      auditTableName: 'chatops-audit',
      configPath: undefined,
      slackApiUrl: 'https://slack.com/api/',
      workerFunctionName: 'chatops-worker',
    });
  });

  it('reads the Slack secrets from Secrets Manager when given an ARN', () => {
    // Act
    const env = readRuntimeEnv({ SLACK_SECRET_ARN: ARN, ...TABLE, CHATOPS_CONFIG: '/opt/chatops.yml' });

    // Assess
    expect(env.slackSecrets).toEqual({ kind: 'secretsManager', secretArn: ARN });
    expect(env.configPath).toBe('/opt/chatops.yml');
    expect(env.workerFunctionName).toBeUndefined();
  });

  it('prefers secrets in the environment over an ARN', () => {
    expect(readRuntimeEnv({ ...ENV_SECRETS, SLACK_SECRET_ARN: ARN, ...TABLE }).slackSecrets.kind).toBe('env');
  });

  it.each<{ name: string; env: Record<string, string | undefined>; message: RegExp }>([
    {
      name: 'the bot token missing',
      env: { SLACK_SIGNING_SECRET: 's', ...TABLE },
      message: /^SLACK_BOT_TOKEN is not set/,
    },
    {
      name: 'the signing secret missing',
      env: { SLACK_BOT_TOKEN: 'x', ...TABLE },
      message: /^SLACK_SIGNING_SECRET is not set/,
    },
    {
      name: 'the signing secret blank',
      env: { SLACK_SIGNING_SECRET: '  ', SLACK_BOT_TOKEN: 'x', ...TABLE },
      message: /^SLACK_SIGNING_SECRET is not set/,
    },
    {
      name: 'an ARN beside half the secrets',
      env: { SLACK_SECRET_ARN: ARN, SLACK_BOT_TOKEN: 'x', ...TABLE },
      message: /^SLACK_SIGNING_SECRET is not set/,
    },
    {
      name: 'no Slack secrets at all',
      env: { ...TABLE },
      message: /SLACK_SECRET_ARN.*SLACK_SIGNING_SECRET.*SLACK_BOT_TOKEN/,
    },
    { name: 'no audit table', env: { ...ENV_SECRETS }, message: /^AUDIT_TABLE_NAME is not set/ },
    {
      name: 'a blank audit table',
      env: { SLACK_SECRET_ARN: ARN, AUDIT_TABLE_NAME: '' },
      message: /^AUDIT_TABLE_NAME/,
    },
  ])('fails with $name', ({ env, message }) => {
    // Act
    const run = () => readRuntimeEnv(env);

    // Assess
    expect(run).toThrow(MissingEnvError);
    expect(run).toThrow(message);
  });

  it('never puts a secret in its error message', () => {
    // Act
    const run = () =>
      readRuntimeEnv({ SLACK_SIGNING_SECRET: 'very-secret-value', SLACK_BOT_TOKEN: 'xoxb-secret' });

    // Assess
    expect(run).toThrow(MissingEnvError);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/very-secret-value|xoxb-secret/);
    }
  });

  it.each<{ value: string | undefined; url: string }>([
    { value: undefined, url: DEFAULT_SLACK_API_URL },
    { value: '', url: 'https://slack.com/api/' },
    { value: 'http://localhost:3999/api', url: 'http://localhost:3999/api/' },
    { value: 'http://localhost:3999/api/', url: 'http://localhost:3999/api/' },
    { value: ' http://127.0.0.1:4000 ', url: 'http://127.0.0.1:4000/' },
  ])('SLACK_API_URL $value → $url', ({ value, url }) => {
    // Act
    const env = readRuntimeEnv({ ...ENV_SECRETS, ...TABLE, SLACK_API_URL: value });

    // Assess
    expect(env.slackApiUrl).toBe(url);
  });
});
