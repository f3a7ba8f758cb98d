import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, validateConfig } from '../../src/config';
import { defaultGuardrails } from '../../src/domain/config-model';

const EXAMPLE = fileURLToPath(new URL('../../chatops.config.yml', import.meta.url));
const FILE = 'chatops.config.yml';

/** The error `run` throws, which must be a ConfigError. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const minimal = (extra: Record<string, unknown> = {}) => ({ functions: { orders: {} }, ...extra });

describe('parseConfig', () => {
  it('loads the example chatops.config.yml', () => {
    // Act
    const config = loadConfigFile(EXAMPLE);

    // Assess
    expect(config).toEqual({
      ...defaultGuardrails(),
      functions: {
        orders: { key: 'orders', functionName: 'orders-service', stages: ['dev', 'test', 'prod'] },
        payments: { key: 'payments', functionName: 'payments-service', stages: ['dev', 'test', 'prod'] },
      },
      approvals: {
        default: { approvers: 'anyone', required: 1 },
        prod: { approvers: ['U012AB3CD', 'S0PLATFORM'], required: 2 },
      },
      selfApproval: false,
      requestTtlMinutes: 60,
      channels: [],
    });
  });

  it('reads the same configuration from JSON', () => {
    // Prepare
    const yaml = readFileSync(EXAMPLE, 'utf8');
    const json = JSON.stringify(parseConfig(yaml, FILE));
    const asWritten = {
      functions: {
        orders: { functionName: 'orders-service', stages: ['dev', 'test', 'prod'] },
        payments: { functionName: 'payments-service', stages: ['dev', 'test', 'prod'] },
      },
      approvals: {
        default: { approvers: 'anyone', required: 1 },
        prod: { approvers: ['U012AB3CD', 'S0PLATFORM'], required: 2 },
      },
      selfApproval: false,
      requestTtlMinutes: 60,
      channels: [],
    };

    // Act
    const fromJson = parseConfig(JSON.stringify(asWritten), 'chatops.config.json');

    // Assess
    expect(JSON.stringify(fromJson)).toBe(json);
  });

  it('accepts an alias that needs no approval: `approvers: anyone, required: 0`', () => {
    const config = validateConfig(
      minimal({ approvals: { dev: { approvers: 'anyone', required: 0 } } }),
      FILE,
    );

    expect(config.approvals.dev).toEqual({ approvers: 'anyone', required: 0 });
  });

  it('fills in defaults', () => {
    // Act
    const config = parseConfig('functions:\n  orders:\n', FILE);

    // Assess
    expect(config).toEqual({
      ...defaultGuardrails(),
      functions: { orders: { key: 'orders', functionName: 'orders', stages: [] } },
      approvals: { default: { approvers: 'anyone', required: 1 } },
      selfApproval: false,
      requestTtlMinutes: 60,
      channels: [],
    });
  });

  it('keeps the options it is given', () => {
    // Act
    const config = parseConfig(
      [
        'functions:',
        '  orders:',
        '    functionName: arn:aws:lambda:eu-west-1:123456789012:function:orders-service',
        'approvals:',
        '  default: { approvers: [U012AB3CD, W0ENTERPRISE], required: 2 }',
        '  prod: { approvers: [S0PLATFORM], required: 3 }',
        'selfApproval: true',
        'requestTtlMinutes: 15',
        'channels: [C0RELEASES, G0PRIVATE]',
        'team: T0ACME',
      ].join('\n'),
      FILE,
    );

    // Assess
    expect(config).toEqual({
      ...defaultGuardrails(),
      functions: {
        orders: {
          key: 'orders',
          functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-service',
          stages: [],
          account: '123456789012',
          region: 'eu-west-1',
        },
      },
      approvals: {
        default: { approvers: ['U012AB3CD', 'W0ENTERPRISE'], required: 2 },
        prod: { approvers: ['S0PLATFORM'], required: 3 },
      },
      selfApproval: true,
      requestTtlMinutes: 15,
      channels: ['C0RELEASES', 'G0PRIVATE'],
      team: 'T0ACME',
    });
  });

  it.each<{ name: string; yaml: string; path: string; problem: RegExp }>([
    { name: 'bad YAML', yaml: 'functions: [orders', path: '', problem: /is not valid YAML or JSON/ },
    {
      name: 'bad JSON',
      yaml: '{"functions": {"orders": {}}',
      path: '',
      problem: /is not valid YAML or JSON/,
    },
    {
      name: 'a duplicate key',
      yaml: 'functions:\n  orders: {}\n  orders: {}\n',
      path: '',
      problem: /is not valid YAML/,
    },
    { name: 'an empty file', yaml: '', path: '', problem: /must be a mapping/ },
    { name: 'a list at the top', yaml: '- orders', path: '', problem: /must be a mapping/ },
  ])('refuses $name', ({ yaml, path, problem }) => {
    // Act
    const error = configError(() => parseConfig(yaml, FILE));

    // Assess
    expect(error.file).toBe(FILE);
    expect(error.path).toBe(path);
    expect(error.problem).toMatch(problem);
    expect(error.message).toBe(`${FILE}: (top level): ${error.problem}`);
  });
});

describe('validateConfig', () => {
  it.each<{ name: string; raw: unknown; path: string; problem: RegExp }>([
    {
      name: 'an unknown top-level key',
      raw: minimal({ approval: {} }),
      path: 'approval',
      problem: /not a known key.*approvals/,
    },
    {
      name: 'an unknown function key',
      raw: { functions: { orders: { stage: ['prod'] } } },
      path: 'functions.orders.stage',
      problem: /not a known key.*functionName, stages/,
    },
    {
      name: 'an unknown approval key',
      raw: minimal({ approvals: { prod: { approver: ['U012AB3CD'] } } }),
      path: 'approvals.prod.approver',
      problem: /not a known key.*approvers, required/,
    },
    { name: 'no functions', raw: { approvals: {} }, path: 'functions', problem: /is required/ },
    { name: 'an empty function list', raw: { functions: {} }, path: 'functions', problem: /at least one/ },
    {
      name: 'functions as a list',
      raw: { functions: ['orders'] },
      path: 'functions',
      problem: /must be a mapping/,
    },
    {
      name: 'a bad function key',
      raw: { functions: { 'or ders': {} } },
      path: 'functions.or ders',
      problem: /letters, digits/,
    },
    {
      name: 'a bad function name',
      raw: { functions: { orders: { functionName: 'orders service' } } },
      path: 'functions.orders.functionName',
      problem: /Lambda function name or function ARN/,
    },
    {
      name: 'a function ARN with a qualifier',
      raw: {
        functions: { orders: { functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:prod' } },
      },
      path: 'functions.orders.functionName',
      problem: /without a qualifier/,
    },
    {
      name: 'a function name that is no string',
      raw: { functions: { orders: { functionName: 42 } } },
      path: 'functions.orders.functionName',
      problem: /Lambda function name/,
    },
    {
      name: 'a function key that cannot be a function name',
      raw: { functions: { ['x'.repeat(64)]: { functionName: 'x'.repeat(65) } } },
      path: `functions.${'x'.repeat(64)}.functionName`,
      problem: /Lambda function name/,
    },
    {
      name: 'stages that are no list',
      raw: { functions: { orders: { stages: 'dev, prod' } } },
      path: 'functions.orders.stages',
      problem: /must be a list of alias names/,
    },
    {
      name: 'a duplicate stage',
      raw: { functions: { orders: { stages: ['dev', 'prod', 'prod'] } } },
      path: 'functions.orders.stages[2]',
      problem: /lists "prod" twice/,
    },
    {
      name: 'a numeric stage',
      raw: { functions: { orders: { stages: ['dev', '42'] } } },
      path: 'functions.orders.stages[1]',
      problem: /not a valid Lambda alias name/,
    },
    {
      name: 'a stage with a bad character',
      raw: { functions: { orders: { stages: ['pr.od'] } } },
      path: 'functions.orders.stages[0]',
      problem: /not a valid Lambda alias name/,
    },
    {
      name: 'a bad approval alias',
      raw: minimal({ approvals: { 'pr od': { approvers: 'anyone' } } }),
      path: 'approvals.pr od',
      problem: /not a valid Lambda alias name/,
    },
    {
      name: 'an approval rule that is no mapping',
      raw: minimal({ approvals: { prod: 'anyone' } }),
      path: 'approvals.prod',
      problem: /must be a mapping/,
    },
    {
      name: 'a bad approver id',
      raw: minimal({ approvals: { prod: { approvers: ['U012AB3CD', 'alice'] } } }),
      path: 'approvals.prod.approvers[1]',
      problem: /Slack user id .* or user group id/,
    },
    {
      name: 'an approver given as a mention',
      raw: minimal({ approvals: { prod: { approvers: ['<@U012AB3CD>'] } } }),
      path: 'approvals.prod.approvers[0]',
      problem: /Slack user id/,
    },
    {
      name: 'an empty approver list',
      raw: minimal({ approvals: { prod: { approvers: [] } } }),
      path: 'approvals.prod.approvers',
      problem: /non-empty list/,
    },
    {
      name: 'approvers as a word other than anyone',
      raw: minimal({ approvals: { prod: { approvers: 'everyone' } } }),
      path: 'approvals.prod.approvers',
      problem: /`anyone` or a non-empty list/,
    },
    {
      name: 'more required approvals than listed users',
      raw: minimal({ approvals: { prod: { approvers: ['U012AB3CD'], required: 2 } } }),
      path: 'approvals.prod.required',
      problem: /needs 2 approvals but only 1 approver\(s\) are listed/,
    },
    {
      name: 'required zero with named approvers',
      raw: minimal({ approvals: { dev: { approvers: ['U012AB3CD'], required: 0 } } }),
      path: 'approvals.dev.required',
      problem: /0 \(no approval: requests are applied at once\) goes with `approvers: anyone` only/,
    },
    {
      name: 'required below zero',
      raw: minimal({ approvals: { default: { approvers: 'anyone', required: -1 } } }),
      path: 'approvals.default.required',
      problem: /whole number from 0 to 10/,
    },
    {
      name: 'required zero for the freeze override',
      raw: minimal({ freezeOverride: { approvers: 'anyone', required: 0 } }),
      path: 'freezeOverride.required',
      problem: /whole number from 1 to 10/,
    },
    {
      name: 'required as text',
      raw: minimal({ approvals: { default: { required: '2' } } }),
      path: 'approvals.default.required',
      problem: /whole number from 0 to 10/,
    },
    {
      name: 'required fractional',
      raw: minimal({ approvals: { default: { required: 1.5 } } }),
      path: 'approvals.default.required',
      problem: /whole number/,
    },
    {
      name: 'selfApproval as text',
      raw: minimal({ selfApproval: 'no' }),
      path: 'selfApproval',
      problem: /true or false/,
    },
    {
      name: 'a zero ttl',
      raw: minimal({ requestTtlMinutes: 0 }),
      path: 'requestTtlMinutes',
      problem: /between 1 and 10080/,
    },
    {
      name: 'a ttl over a week',
      raw: minimal({ requestTtlMinutes: 10081 }),
      path: 'requestTtlMinutes',
      problem: /between 1 and 10080/,
    },
    {
      name: 'a fractional ttl',
      raw: minimal({ requestTtlMinutes: 2.5 }),
      path: 'requestTtlMinutes',
      problem: /whole number/,
    },
    {
      name: 'a ttl as text',
      raw: minimal({ requestTtlMinutes: '60m' }),
      path: 'requestTtlMinutes',
      problem: /whole number/,
    },
    {
      name: 'a channel as #name',
      raw: minimal({ channels: ['C0RELEASES', '#releases'] }),
      path: 'channels[1]',
      problem: /Slack channel id .*not a #name/,
    },
    {
      name: 'channels as one string',
      raw: minimal({ channels: 'C0RELEASES' }),
      path: 'channels',
      problem: /must be a list/,
    },
    { name: 'a bad team', raw: minimal({ team: 'acme' }), path: 'team', problem: /Slack team id/ },
  ])('refuses $name, naming the file, $path and the problem', ({ raw, path, problem }) => {
    // Act
    const error = configError(() => validateConfig(raw, FILE));

    // Assess
    expect(error.file).toBe(FILE);
    expect(error.path).toBe(path);
    expect(error.problem).toMatch(problem);
    expect(error.message).toBe(`${FILE}: ${path}: ${error.problem}`);
  });

  it.each<{ name: string; approvers: string[]; required: number }>([
    { name: 'as many users as required', approvers: ['U012AB3CD', 'W0ENTERPRISE'], required: 2 },
    { name: 'a group, whose size is known only at run time', approvers: ['S0PLATFORM'], required: 3 },
  ])('accepts $name', ({ approvers, required }) => {
    // Act
    const config = validateConfig(minimal({ approvals: { prod: { approvers, required } } }), FILE);

    // Assess
    expect(config.approvals.prod).toEqual({ approvers, required });
  });

  it('names the file it read in every error', () => {
    // Act
    const error = configError(() => parseConfig('functions: {}', '/var/task/custom.yml'));

    // Assess
    expect(error.message).toBe('/var/task/custom.yml: functions: must list at least one function');
  });

  it('says when the file cannot be read', () => {
    // Act
    const error = configError(() => loadConfigFile('/nonexistent/chatops.config.yml'));

    // Assess
    expect(error.message).toMatch(
      /^\/nonexistent\/chatops\.config\.yml: \(top level\): cannot be read \(ENOENT\)$/,
    );
  });
});
