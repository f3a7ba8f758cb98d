// npm start against real Slack over Socket Mode (SLACK_APP_TOKEN): no public URL needed. Socket
// Mode envelopes carry no signature, so each one is turned back into the HTTP request Slack would
// have sent (the same form body), signed here with the app's signing secret, and handed to the same
// handler as on Lambda; the envelope is acknowledged with the handler's answer.
import type { Logger } from '@slack/logger';
import { SocketModeClient } from '@slack/socket-mode';
import { lambdaContext } from './lambda-context';
import { signedSlackEvent } from './stand-ins/slack-requests';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

interface Envelope {
  body: Record<string, unknown>;
  ack(response?: Record<string, unknown>): Promise<void>;
}

export interface SocketModeOptions {
  appToken: string;
  signingSecret: string;
  logger?: Logger;
  /** Slack's Web API base URL (apps.connections.open), for tests. */
  slackApiUrl?: string;
  functionName?: string;
}

export interface RunningSocketMode {
  close(): Promise<void>;
}

export async function startSocketMode(
  handler: Handler,
  options: SocketModeOptions,
): Promise<RunningSocketMode> {
  const client = new SocketModeClient({
    appToken: options.appToken,
    ...(options.logger ? { logger: options.logger } : {}),
    clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
  });
  const relay = (toBody: (payload: Record<string, unknown>) => string) => async (envelope: Envelope) => {
    try {
      await envelope.ack(await answer(handler, options, toBody(envelope.body)));
    } catch (error) {
      (options.logger ?? console).error(`Socket Mode envelope failed: ${(error as Error).message}`);
    }
  };
  client.on('slash_commands', relay(slashCommandForm));
  client.on('interactive', relay(interactiveForm));
  await client.start();
  return {
    close: async () => {
      await client.disconnect();
    },
  };
}

/** The form body Slack posts for a slash command: the envelope's fields, form-encoded. */
export function slashCommandForm(payload: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(payload).map(([name, value]): [string, string] => [name, String(value)]),
  ).toString();
}

/** The form body Slack posts for an interaction: `payload=<JSON>`. */
export function interactiveForm(payload: Record<string, unknown>): string {
  return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
}

/** The handler's HTTP answer as an acknowledgement payload: its JSON body, or nothing. */
async function answer(
  handler: Handler,
  options: SocketModeOptions,
  body: string,
): Promise<Record<string, unknown> | undefined> {
  const event = signedSlackEvent(options.signingSecret, body);
  const result = (await handler(event, lambdaContext(options.functionName ?? 'lambda-chatops-local'))) as {
    statusCode?: number;
    body?: string;
  };
  if (result.statusCode !== 200) throw new Error(`the handler answered ${result.statusCode}`);
  if (!result.body) return undefined;
  try {
    return JSON.parse(result.body) as Record<string, unknown>;
  } catch {
    return { text: result.body };
  }
}
