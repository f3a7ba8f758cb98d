// Which mode `npm start` picks from the environment, and the mistakes it names.
import { describe, expect, it } from 'vitest';
import { chooseStartMode, parsePort } from '../../src/local/start-mode';

const SECRETS = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1' };

describe('chooseStartMode', () => {
  it('starts the sandbox when nothing of Slack is configured', () => {
    expect(chooseStartMode({ AUDIT_TABLE_NAME: 'ignored', SLACK_SIGNING_SECRET: '  ' })).toEqual({
      kind: 'sandbox',
    });
  });

  it('serves Slack over HTTP with both secrets and the audit table', () => {
    expect(chooseStartMode({ ...SECRETS, AUDIT_TABLE_NAME: 'audit' })).toEqual({
      kind: 'http',
      auditTableName: 'audit',
      configPath: 'chatops.config.yml',
    });
    expect(
      chooseStartMode({ ...SECRETS, AUDIT_TABLE_NAME: 'audit', CHATOPS_CONFIG: 'mine.yml' }),
    ).toMatchObject({
      configPath: 'mine.yml',
    });
  });

  it('serves Slack over HTTP with the secrets in Secrets Manager', () => {
    expect(
      chooseStartMode({ SLACK_SECRET_ARN: 'arn:aws:secretsmanager:x', AUDIT_TABLE_NAME: 'audit' }),
    ).toMatchObject({
      kind: 'http',
    });
  });

  it('uses Socket Mode when the app token is set too', () => {
    expect(chooseStartMode({ ...SECRETS, SLACK_APP_TOKEN: 'xapp-1', AUDIT_TABLE_NAME: 'audit' })).toEqual({
      kind: 'socket',
      auditTableName: 'audit',
      configPath: 'chatops.config.yml',
      appToken: 'xapp-1',
      signingSecret: 'secret',
    });
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 'secret' }, /^SLACK_BOT_TOKEN is not set/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', AUDIT_TABLE_NAME: 'audit' }, /^SLACK_SIGNING_SECRET is not set/],
    [
      { SLACK_APP_TOKEN: 'xapp-1' },
      /^SLACK_APP_TOKEN is set but SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not/,
    ],
    [
      { SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 'secret' },
      /^SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not/,
    ],
    [
      { SLACK_APP_TOKEN: 'xapp-1', SLACK_SECRET_ARN: 'arn' },
      /SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not/,
    ],
    [SECRETS, /^AUDIT_TABLE_NAME is not set/],
  ])('names what is missing in %j', (env, problem) => {
    const mode = chooseStartMode(env);

    expect(mode.kind).toBe('misconfigured');
    expect(mode.kind === 'misconfigured' && mode.problem).toMatch(problem);
  });
});

describe('parsePort', () => {
  it.each([
    [undefined, 3000],
    ['', 3000],
    ['8080', 8080],
    ['0', 0],
    ['65536', undefined],
    ['http', undefined],
    ['80.5', undefined],
  ])('%j → %j', (raw, port) => {
    expect(parsePort(raw)).toBe(port);
  });
});
