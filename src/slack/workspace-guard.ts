// When the configuration names a team, requests from any other workspace are refused before a
// listener sees them (DESIGN.md section 10).
import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import type { SlackDeps } from './context';

export function registerWorkspaceGuard(app: App, { deps, logger }: SlackDeps): void {
  const team = deps.config.team;
  if (!team) return;
  app.use(async (args) => {
    const from = teamOf(args.body);
    if (from === team) {
      await args.next();
      return;
    }
    logger.warn(`refused a request from workspace ${from ?? 'unknown'}`);
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    await ack?.({ response_type: 'ephemeral', text: 'This bot serves another Slack workspace.' });
  });
}

function teamOf(body: AnyMiddlewareArgs['body']): string | undefined {
  const candidate = body as { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string } };
  return candidate.team_id ?? candidate.team?.id ?? candidate.user?.team_id;
}
