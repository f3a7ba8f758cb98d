// Every listener acts for the Slack user who typed the command or clicked the button: reads of
// functions in other accounts then assume their reader role with that user as SourceIdentity.
import type { App } from '@slack/bolt';
import { actingAs } from '../adapters/acting-identity';

export function registerActingIdentity(app: App): void {
  app.use(async ({ body, next }) => {
    const candidate = body as {
      user_id?: string;
      command?: string;
      text?: string;
      user?: { id?: string };
      actions?: { value?: string }[];
    };
    const user = candidate.user_id ?? candidate.user?.id ?? 'system';
    const purpose =
      candidate.actions?.[0]?.value ?? (candidate.text ?? '').trim().split(/\s+/)[0] ?? 'command';
    await actingAs({ user, purpose: purpose || 'command' }, next);
  });
}
