// The `/lambda` listener: parse, run the subcommand, answer in the acknowledgement itself
// (the fastest reply Slack can get), errors included. Holds no business rule.
import type { App, SlashCommand } from '@slack/bolt';
import { type Command, parseCommand, USAGE } from '../../../domain/parse-command';
import type { Message } from '../../blocks/common';
import { errorMessage } from '../../blocks/error';
import type { SlackDeps } from '../../context';
import { errorReply } from '../../error-reply';
import { lockCommand } from './lock-commands';
import { readCommand } from './read-commands';
import { requestCommand } from './request-commands';

export type Reply = { message: Message; visibility: 'ephemeral' | 'in_channel' } | undefined;

export function registerLambdaCommand(app: App, slack: SlackDeps): void {
  app.command('/lambda', async ({ command, ack }) => {
    const { functions } = slack.deps.config;
    const parsed = parseCommand(command.text ?? '', {
      stagesOf: (fn) => (Object.hasOwn(functions, fn) ? functions[fn]?.stages : undefined),
    });
    if (!parsed.ok) {
      await ack(ephemeral(errorMessage(parsed.error, parsed.usage)));
      return;
    }
    let reply: Reply;
    try {
      reply = await run(parsed.command, command, slack);
    } catch (error) {
      reply = {
        message: errorReply(error, USAGE[parsed.command.kind], slack.logger),
        visibility: 'ephemeral',
      };
    }
    await ack(
      reply
        ? { response_type: reply.visibility, text: reply.message.text, blocks: reply.message.blocks }
        : undefined,
    );
  });
}

function run(parsed: Command, command: SlashCommand, slack: SlackDeps): Promise<Reply> {
  switch (parsed.kind) {
    case 'promote':
    case 'rollback':
    case 'cancel':
      return requestCommand(parsed, command, slack);
    case 'lock':
    case 'unlock':
    case 'locks':
      return lockCommand(parsed, command, slack);
    default:
      return readCommand(parsed, command, slack);
  }
}

export const ephemeral = (message: Message) => ({
  response_type: 'ephemeral' as const,
  text: message.text,
  blocks: message.blocks,
});
