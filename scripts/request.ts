// `npm run request -- orders dev 42 --channel C0RELEASES` (or `orders test --from dev`): asks the
// bot for a promotion from a terminal or a pipeline, by invoking the worker function with the
// caller's own AWS credentials (DESIGN.md section 3c, `ci.promote`). Who may do this is IAM's
// decision: lambda:InvokeFunction on the worker. Prints the request id and the card's permalink as
// `key=value` lines (ready for $GITHUB_OUTPUT); a refusal exits non-zero with the bot's reason.
import { hostname, userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

export const USAGE = [
  'usage: npm run request -- <function> <alias> <version> --channel <C…> [--requested-by <text>] [--worker <name>]',
  '       npm run request -- <function> <alias> --from <alias> --channel <C…> [--requested-by <text>] [--worker <name>]',
  'The worker function comes from --worker or CHATOPS_WORKER_FUNCTION (the stack output WorkerFunctionName:',
  '  aws cloudformation describe-stacks --stack-name LambdaChatops --query "Stacks[0].Outputs[?OutputKey==\'WorkerFunctionName\'].OutputValue" --output text);',
  'the channel from --channel or CHATOPS_CHANNEL.',
].join('\n');

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RequestArgs {
  worker: string;
  payload: Record<string, string>;
}

const OPTIONS = ['--channel', '--from', '--requested-by', '--worker'];

/** Reads the command line; the payload itself is checked by the worker, which has the last word. */
export function parseRequestArgs(argv: string[], env: Record<string, string | undefined>): RequestArgs {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith('--') ? splitOption(arg) : [undefined, undefined];
    if (name === undefined) {
      positional.push(arg);
      continue;
    }
    if (!OPTIONS.includes(name)) throw new UsageError(`unknown option ${name}`);
    if (name in options) throw new UsageError(`${name} is given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--'))
      throw new UsageError(`${name} needs a value`);
    options[name] = value;
  }
  const [fn, to, version, ...extra] = positional;
  if (!fn || !to) throw new UsageError('give the function and the alias to change');
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const from = options['--from'];
  if (version === undefined && from === undefined) throw new UsageError('give a version, or --from <alias>');
  if (version !== undefined && from !== undefined) throw new UsageError('give a version or --from, not both');
  const channel = options['--channel'] ?? env.CHATOPS_CHANNEL;
  if (!channel)
    throw new UsageError('give --channel <C…> (or set CHATOPS_CHANNEL): where the card is posted');
  const worker = options['--worker'] ?? env.CHATOPS_WORKER_FUNCTION;
  if (!worker) throw new UsageError('give --worker <name> (or set CHATOPS_WORKER_FUNCTION)');
  return {
    worker,
    payload: {
      kind: 'ci.promote',
      function: fn,
      to,
      ...(version === undefined ? {} : { version }),
      ...(from === undefined ? {} : { from }),
      channel,
      requestedBy: options['--requested-by'] ?? defaultRequestedBy(env),
    },
  };
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

/** Who asks, as the card will say: the GitHub Actions run when there is one, else this user and host. */
export function defaultRequestedBy(env: Record<string, string | undefined>): string {
  const { GITHUB_ACTIONS, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_ACTOR } = env;
  if (GITHUB_ACTIONS === 'true' && GITHUB_REPOSITORY && GITHUB_RUN_ID) {
    return `github-actions: ${GITHUB_REPOSITORY} run ${GITHUB_RUN_ID}${GITHUB_ACTOR ? ` (${GITHUB_ACTOR})` : ''}`;
  }
  return `${safeUser()}@${hostname()} (npm run request)`;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the command; the exit code: 0 the request is open, 1 refused or failed, 2 a usage error. */
export async function runRequest(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io,
  client: LambdaClient = new LambdaClient({}),
): Promise<number> {
  let args: RequestArgs;
  try {
    args = parseRequestArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n${USAGE}`);
    return 2;
  }
  let answer: unknown;
  try {
    const result = await client.send(
      new InvokeCommand({
        FunctionName: args.worker,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(args.payload)),
      }),
    );
    answer = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null');
    if (result.FunctionError) {
      const message = (answer as { errorMessage?: unknown } | null)?.errorMessage;
      io.err(
        `The worker failed (${result.FunctionError}): ${typeof message === 'string' ? message : 'see its logs'}`,
      );
      return 1;
    }
  } catch (error) {
    io.err(`Could not invoke ${args.worker}: ${(error as Error).message}`);
    return 1;
  }
  return report(answer, io);
}

function report(answer: unknown, io: Io): number {
  const reply = (answer ?? {}) as {
    ok?: unknown;
    requestId?: unknown;
    channel?: unknown;
    ts?: unknown;
    permalink?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  if (reply.ok === true && typeof reply.requestId === 'string') {
    io.out(`requestId=${reply.requestId}`);
    if (typeof reply.permalink === 'string') io.out(`permalink=${reply.permalink}`);
    else io.out(`channel=${String(reply.channel)}\nts=${String(reply.ts)}`);
    io.err(`Request ${reply.requestId} is waiting for approval on its card.`);
    return 0;
  }
  if (reply.ok === false && reply.error) {
    io.err(`Refused (${String(reply.error.code)}): ${String(reply.error.message)}`);
    return 1;
  }
  io.err(`Unexpected answer from the worker: ${JSON.stringify(answer).slice(0, 500)}`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRequest(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code;
  });
}
