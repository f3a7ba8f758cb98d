// Command options through the real handler: those that change nothing yet pass through to a
// normal request; conflicting ones are a parse error. Rollouts (`--canary`, `--linear`):
// test/integration/rollouts.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, textOf } from '../support/harness';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('command options', () => {
  it('a promotion with --all-at-once, --skip-stages and --override is requested as usual', async () => {
    h = await startHarness();

    await h.command('promote orders dev→test --all-at-once --skip-stages --override hotfix for INC-42');
    await h.settle();

    const cards = h.slack.calls.filter((call) => call.method === 'chat.postMessage');
    expect(cards).toHaveLength(1);
    expect(textOf(cards[0]?.body.blocks)).toContain('test');
  });

  it('conflicting options are a parse error with the usage line', async () => {
    h = await startHarness();

    const reply = await h.command('promote orders dev→test --canary 10% --linear 25%');

    expect(textOf(reply.json?.blocks)).toContain('Give one rollout: `--canary` and `--linear` conflict.');
    expect(textOf(reply.json?.blocks)).toContain('--all-at-once');
  });
});
