// `npm run request` (scripts/request.ts) against the stand-ins: the real Lambda client invokes the
// worker (RequestResponse), which the Lambda stand-in runs: the card is posted, the id printed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultRequestedBy, parseRequestArgs, runRequest } from '../../scripts/request';
import { CHANNELS, type Harness, startHarness, textOf, WORKER_FUNCTION } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h.close());

beforeEach(() => h.slack.resetCalls());

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRequest(argv, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run request', () => {
  it('opens the request, prints its id and the card permalink', async () => {
    const { code, out } = await run(
      ['orders', 'test', '5', '--channel', CHANNELS.releases, '--worker', WORKER_FUNCTION],
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/orders',
        GITHUB_RUN_ID: '991',
      },
    );

    expect(code).toBe(0);
    const requestId = /^requestId=(R[0-9A-Z]{9})$/m.exec(out)?.[1] ?? '';
    const card = h.card(requestId);
    expect(card).toBeDefined();
    expect(out).toContain(
      `permalink=https://test.slack.com/archives/${CHANNELS.releases}/p${card?.ts.replace('.', '')}`,
    );
    expect(textOf(card?.blocks)).toContain('CI: github-actions: acme/orders run 991');
    const [requested] = await h.events(requestId);
    expect(requested).toMatchObject({ action: 'REQUESTED', actor: 'ci', toVersion: '5' });
  });

  it('takes the worker and channel from the environment, and --from', async () => {
    const { code, out } = await run(['payments', 'prod', '--from', 'dev', '--requested-by', 'release bot'], {
      CHATOPS_WORKER_FUNCTION: WORKER_FUNCTION,
      CHATOPS_CHANNEL: CHANNELS.releases,
    });

    expect(code).toBe(0);
    const requestId = /requestId=(R[0-9A-Z]{9})/.exec(out)?.[1] ?? '';
    expect(textOf(h.card(requestId)?.blocks)).toContain('Promote payments: prod 1 → 3');
    expect(textOf(h.card(requestId)?.blocks)).toContain('CI: release bot');
  });

  it('exits 1 with the bot reason when refused', async () => {
    const { code, out, err } = await run([
      'orders',
      'dev',
      '5',
      '--channel',
      CHANNELS.releases,
      '--worker',
      WORKER_FUNCTION,
    ]);

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('Refused (INVALID_REQUEST): dev already points at version 5');
  });

  it('exits 1 when the worker cannot be invoked', async () => {
    const { code, err } = await run([
      'orders',
      'test',
      '5',
      '--channel',
      CHANNELS.releases,
      '--worker',
      'no-such-worker',
    ]);

    expect(code).toBe(1);
    expect(err).toContain('Could not invoke no-such-worker');
    expect(err).toContain('Function not found');
  });

  it.each([
    [['orders', 'test'], 'give a version, or --from <alias>'],
    [['orders', 'test', '5', '--from', 'dev'], 'not both'],
    [['orders', 'test', '5'], 'give --channel'],
    [['orders', 'test', '5', '--channel', 'C1'], 'give --worker'],
    [['orders', 'test', '5', '--chanel', 'C1'], 'unknown option --chanel'],
    [['orders', 'test', '5', '--channel'], '--channel needs a value'],
    [['orders', 'test', '5', '6'], 'unexpected 6'],
  ])('exits 2 with the usage on %j', async (argv, says) => {
    const { code, err } = await run(argv);

    expect(code).toBe(2);
    expect(err).toContain(says);
    expect(err).toContain('usage: npm run request');
    expect(h.slack.calls).toHaveLength(0);
  });

  it('sends exactly the documented event', () => {
    expect(
      parseRequestArgs(['orders', 'dev', '42', '--channel=C0ABC', '--worker=w', '--requested-by=me'], {}),
    ).toEqual({
      worker: 'w',
      payload: {
        kind: 'ci.promote',
        function: 'orders',
        to: 'dev',
        version: '42',
        channel: 'C0ABC',
        requestedBy: 'me',
      },
    });
    expect(defaultRequestedBy({})).toMatch(/@.+ \(npm run request\)$/);
  });

  it('runs as a command, exiting non-zero on refusal', async () => {
    const exec = promisify(execFile);
    const args = [
      'tsx',
      'scripts/request.ts',
      'orders',
      'dev',
      '5',
      '--channel',
      CHANNELS.releases,
      '--worker',
      WORKER_FUNCTION,
    ];

    const failure = await exec('npx', args, { env: process.env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('already points at version 5');
  }, 30_000);
});
