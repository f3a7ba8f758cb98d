// `npm run manifest -- <function-url>`: fills the bot's request URL into the manifest template
// (the slash command and interactivity share it, DESIGN.md section 6), prints the result, ready to
// paste into the Slack app's settings, and writes it to manifest.local.yml (git-ignored): the
// tracked manifest.yml stays the template, so a deployment's URL never shows up in `git diff`.
// The template is filled line by line, so its comments survive; the result is parsed again to
// prove both URLs were set.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import { SLACK_EVENTS_PATH } from '../src/slack/lambda-events';

/** The tracked template, never written by the script. */
export const MANIFEST_TEMPLATE = fileURLToPath(new URL('../manifest.yml', import.meta.url));
/** Where the filled manifest goes (git-ignored). */
export const LOCAL_MANIFEST_FILE = fileURLToPath(new URL('../manifest.local.yml', import.meta.url));

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const USAGE = 'usage: npm run manifest -- <function-url>   e.g. https://abc123.lambda-url.eu-west-1.on.aws/';

export class ManifestUrlError extends Error {
  override name = 'ManifestUrlError';
}

/**
 * The request URL for Slack: https, or http on localhost for local use. A bare origin (a Function
 * URL as `cdk deploy` prints it) gets `/slack/events`, the one path the handler answers on.
 */
export function slackRequestUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new ManifestUrlError(`"${input}" is not a URL. ${USAGE}`);
  }
  const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new ManifestUrlError(
      `"${input}": Slack only calls https URLs (http is accepted for localhost only). ${USAGE}`,
    );
  }
  if (url.username || url.password || url.hash) {
    throw new ManifestUrlError(`"${input}": a request URL carries no user name, password or #fragment`);
  }
  if (url.pathname === '/') url.pathname = SLACK_EVENTS_PATH;
  // The handler answers Slack on this path only (a stage prefix of API Gateway aside).
  if (!url.pathname.endsWith(SLACK_EVENTS_PATH)) {
    throw new ManifestUrlError(
      `"${input}": the bot answers Slack at ${SLACK_EVENTS_PATH}; give the bare Function URL or a URL ending in ${SLACK_EVENTS_PATH}`,
    );
  }
  return url.href;
}

/** The URLs a manifest sends Slack requests to: each slash command's and interactivity's. */
export function requestUrls(manifest: unknown): { commands: string[]; interactivity: string | undefined } {
  const root = (manifest ?? {}) as {
    features?: { slash_commands?: { url?: string }[] };
    settings?: { interactivity?: { request_url?: string } };
  };
  return {
    commands: (root.features?.slash_commands ?? []).map((command) => command.url ?? ''),
    interactivity: root.settings?.interactivity?.request_url,
  };
}

/** Sets every `url:` and `request_url:` value of the manifest text to `url`, keeping everything else. */
export function fillManifest(text: string, url: string): string {
  const value = /^[A-Za-z0-9:/._~%?&=+-]+$/.test(url) ? url : JSON.stringify(url);
  const filled = text.replace(
    /^([ \t]*(?:-[ \t]+)?(?:url|request_url):[ \t]*)(?:"[^"\n]*"|'[^'\n]*'|[^\s#]+)/gm,
    (_line, key: string) => `${key}${value}`,
  );
  const urls = requestUrls(loadYaml(filled));
  if (urls.commands.length === 0 || ![...urls.commands, urls.interactivity].every((found) => found === url)) {
    throw new Error(
      'manifest.yml: expected features.slash_commands[].url and settings.interactivity.request_url',
    );
  }
  return filled;
}

/** Fills `input` into the template and writes the result to `output`; returns the text written. */
export function writeLocalManifest(template: string, output: string, input: string): string {
  const filled = fillManifest(readFileSync(template, 'utf8'), slackRequestUrl(input));
  writeFileSync(output, filled);
  return filled;
}

export interface ManifestCommandIo {
  template: string;
  output: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command: its exit code (2 for a usage error, 1 for a refused URL or manifest). */
export function manifestCommand(args: string[], io: ManifestCommandIo): number {
  const [input, ...rest] = args;
  if (!input || rest.length > 0) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  try {
    io.stdout(writeLocalManifest(io.template, io.output, input));
    io.stderr(`\nWrote ${io.output}: paste it into your Slack app (Features → App Manifest) and save.\n`);
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = manifestCommand(process.argv.slice(2), {
    template: MANIFEST_TEMPLATE,
    output: LOCAL_MANIFEST_FILE,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
