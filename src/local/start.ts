// `npm start`: the bot on this machine. With nothing configured, the sandbox and its playground page;
// with Slack's secrets and AWS configured, the bot serving real Slack, over HTTP at /slack/events
// or over Socket Mode. Every mode runs the handler of src/handler.ts, the one Lambda runs.
//
//   npm start                 sandbox at http://localhost:3000 (PORT, HOST, SANDBOX_DIR)
//   npm start -- --reset      the sandbox, its saved history deleted first
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayUrl } from './listen';
import { chooseStartMode, parsePort, type StartMode } from './start-mode';

const DEFAULT_SANDBOX_DIR = fileURLToPath(new URL('../../.sandbox', import.meta.url));
const USAGE = `Usage: npm start [-- --reset]

  With nothing configured: the sandbox, a local Slack playground at http://localhost:$PORT
    --reset        delete the sandbox's saved history (SANDBOX_DIR, default .sandbox/) first
  With SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and AUDIT_TABLE_NAME: real Slack over HTTP at /slack/events
  With SLACK_APP_TOKEN as well: real Slack over Socket Mode

  PORT (default 3000), HOST (default 127.0.0.1)`;

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((arg) => arg !== '--reset');
  if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')}\n\n${USAGE}`);
  const mode = chooseStartMode(process.env);
  if (mode.kind === 'misconfigured') fail(mode.problem);
  const port = parsePort(process.env.PORT);
  if (port === undefined) fail(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  const host = process.env.HOST?.trim() || '127.0.0.1';
  if (args.includes('--reset') && mode.kind !== 'sandbox') {
    console.warn('lambda-chatops: --reset only applies to the sandbox; ignored');
  }

  let stop: Stop;
  try {
    stop = await run(mode, { port, host, reset: args.includes('--reset') });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is in use: stop what uses it, or set PORT to another port`);
    fail((error as Error).message);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`lambda-chatops: ${signal}, stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`lambda-chatops: stopping failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function run(
  mode: Exclude<StartMode, { kind: 'misconfigured' }>,
  options: { port: number; host: string; reset: boolean },
): Promise<Stop> {
  // Each mode loads only what it uses: a misconfiguration is reported before Bolt or the SDK load.
  if (mode.kind === 'sandbox') return runSandbox(options);
  const { loadConfigFile } = await import('../config');
  const config = loadConfigFile(mode.configPath);
  const { createHandler } = await import('../handler');
  // With WORKER_FUNCTION_NAME, slow work goes to that deployed worker; without, this process runs
  // the worker's handler itself, after each answer.
  const { createWorker } = await import('../worker');
  const worker = process.env.WORKER_FUNCTION_NAME?.trim() ? undefined : createWorker(process.env);
  const handler = createHandler(process.env, worker ? { inProcessWorker: (event) => worker(event, {}) } : {});
  const where = `audit table ${mode.auditTableName}, ${Object.keys(config.functions).length} functions from ${mode.configPath}`;
  if (mode.kind === 'socket') {
    const { startSocketMode } = await import('./slack-over-socket-mode');
    const socket = await startSocketMode(handler, {
      appToken: mode.appToken,
      signingSecret: mode.signingSecret,
    });
    console.log(`lambda-chatops: serving Slack over Socket Mode, no public URL needed (${where})`);
    return () => socket.close();
  }
  const { SLACK_EVENTS_PATH, startSlackHttpServer } = await import('./slack-over-http');
  const server = await startSlackHttpServer(handler, options);
  console.log(
    `lambda-chatops: serving Slack over HTTP at ${displayUrl(options.host, server.port, SLACK_EVENTS_PATH)} (${where})`,
  );
  return () => server.close();
}

async function runSandbox(options: { port: number; host: string; reset: boolean }): Promise<Stop> {
  const { Sandbox } = await import('./sandbox/sandbox');
  const { startPlaygroundServer } = await import('./sandbox/playground-server');
  const dir = resolve(process.env.SANDBOX_DIR?.trim() || DEFAULT_SANDBOX_DIR);
  const sandbox = await Sandbox.start({ dir, reset: options.reset });
  let server: Awaited<ReturnType<typeof startPlaygroundServer>>;
  try {
    server = await startPlaygroundServer(sandbox, options);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const { publishedVersions, replayedChanges, warnings } = sandbox.restored;
  for (const warning of warnings) console.warn(`lambda-chatops sandbox: ${warning}`);
  const history =
    publishedVersions + replayedChanges === 0
      ? 'fresh demo data'
      : `restored ${replayedChanges} alias change(s) from the audit table and ${publishedVersions} published version(s)`;
  console.log(
    `lambda-chatops sandbox: playground at ${displayUrl(options.host, server.port)} ` +
      `(${history}; data in ${dir}; npm start -- --reset starts over)`,
  );
  return async () => {
    await server.close();
    await sandbox.close();
  };
}

function fail(message: string): never {
  console.error(`lambda-chatops: ${message}`);
  process.exit(1);
}

await main();
