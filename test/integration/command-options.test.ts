// The new commands and options through the real handler, before their use cases exist: a
// rollout that is asked for is refused with a sentence, never half-done (a canary that silently
// moved all the traffic would be worse than no answer); the options that change nothing yet pass
// through to a normal request.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, textOf } from '../support/harness';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('options before their use cases', () => {
  it.each([
    ['promote orders dev→test --canary 10%', '`--canary` rollouts are not available yet.'],
    ['promote orders test 5 --linear 25% --every 5m', '`--linear` rollouts are not available yet.'],
  ])('%s is refused, and nothing is requested or changed', async (text, answer) => {
    h = await startHarness();

    const reply = await h.command(text);
    await h.settle();

    expect(textOf(reply.json?.blocks)).toContain(answer);
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
    expect(h.lambda.calls.filter((call) => call.operation === 'UpdateAlias')).toHaveLength(0);
  });

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
