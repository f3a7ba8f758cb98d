import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fillManifest,
  LOCAL_MANIFEST_FILE,
  MANIFEST_TEMPLATE,
  ManifestUrlError,
  manifestCommand,
  requestUrls,
  slackRequestUrl,
  writeLocalManifest,
} from '../../scripts/manifest';
import { REPO_ROOT, removeTempDirs, tempDir } from './files';

afterAll(removeTempDirs);

const FUNCTION_URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/';
const REQUEST_URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/slack/events';

type Manifest = {
  _metadata: { major_version: number };
  display_information: Record<string, string>;
  features: {
    bot_user: { display_name: string };
    slash_commands: Record<string, unknown>[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: Record<string, unknown> & { interactivity: { is_enabled: boolean; request_url: string } };
};

const committedText = readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8');
const committed = loadYaml(committedText) as Manifest;

describe('manifest.yml', () => {
  it('is the template `npm run manifest` reads; it writes manifest.local.yml, which git ignores', () => {
    expect(MANIFEST_TEMPLATE).toBe(join(REPO_ROOT, 'manifest.yml'));
    expect(LOCAL_MANIFEST_FILE).toBe(join(REPO_ROOT, 'manifest.local.yml'));
    const ignored = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('manifest.local.yml');
  });

  it('is a version 2 manifest within the schema’s limits', () => {
    expect(committed._metadata.major_version).toBe(2);
    // Keys and lengths from slackapi/manifest-schema, schemas/manifest.schema.2.0.0.json.
    expect(Object.keys(committed).sort()).toEqual(
      ['_metadata', 'display_information', 'features', 'oauth_config', 'settings'].sort(),
    );
    expect(committed.display_information.name?.length).toBeLessThanOrEqual(35);
    expect(committed.display_information.description?.length).toBeLessThanOrEqual(140);
    expect(committed.display_information.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
    expect(committed.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const command of committed.features.slash_commands) {
      expect(
        Object.keys(command).every((key) =>
          ['command', 'url', 'description', 'usage_hint', 'should_escape'].includes(key),
        ),
      ).toBe(true);
      expect(String(command.usage_hint).length).toBeLessThanOrEqual(1000);
    }
  });

  it('declares /lambda with a description and a usage hint', () => {
    const commands = committed.features.slash_commands;
    expect(commands.map((command) => command.command)).toEqual(['/lambda']);
    expect(commands[0]?.description).toEqual(expect.any(String));
    expect(commands[0]?.usage_hint).toEqual(expect.stringContaining('promote'));
  });

  it('asks for the bot scopes of DESIGN.md, plus chat:write.public to post cards without an invitation', () => {
    expect([...committed.oauth_config.scopes.bot].sort()).toEqual(
      ['chat:write', 'chat:write.public', 'commands', 'usergroups:read'].sort(),
    );
  });

  it('sends commands and interactivity to one URL, over HTTP (no Socket Mode), with static tokens', () => {
    const urls = requestUrls(committed);
    expect(urls.commands).toEqual([urls.interactivity]);
    expect(committed.settings).toMatchObject({
      interactivity: { is_enabled: true },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
  });
});

describe('slackRequestUrl', () => {
  it.each([
    [FUNCTION_URL, REQUEST_URL],
    ['https://abc.lambda-url.eu-west-1.on.aws', 'https://abc.lambda-url.eu-west-1.on.aws/slack/events'],
    ['https://bot.example.com/slack/events', 'https://bot.example.com/slack/events'],
    ['https://api.example.com/prod/slack/events', 'https://api.example.com/prod/slack/events'],
    ['http://localhost:3000', 'http://localhost:3000/slack/events'],
    ['http://127.0.0.1:3000/slack/events', 'http://127.0.0.1:3000/slack/events'],
    [`  ${FUNCTION_URL}\n`, REQUEST_URL],
  ])('accepts %j as %j', (input, expected) => {
    expect(slackRequestUrl(input)).toBe(expected);
  });

  it.each([
    ['http://abc.lambda-url.eu-west-1.on.aws/', /only calls https/],
    ['ftp://example.com/', /only calls https/],
    ['abc.lambda-url.eu-west-1.on.aws', /is not a URL/],
    ['', /is not a URL/],
    ['https://user:pass@example.com/', /no user name, password/],
    ['https://example.com/#x', /#fragment/],
    ['https://bot.example.com/custom/path', /answers Slack at \/slack\/events/],
  ])('refuses %j, saying why', (input, reason) => {
    expect(() => slackRequestUrl(input)).toThrow(ManifestUrlError);
    expect(() => slackRequestUrl(input)).toThrow(reason);
  });
});

describe('fillManifest', () => {
  it('sets the slash command URL and the interactivity URL, and keeps the comments', () => {
    const filled = fillManifest(committedText, REQUEST_URL);
    const urls = requestUrls(loadYaml(filled));
    expect(urls).toEqual({ commands: [REQUEST_URL], interactivity: REQUEST_URL });
    expect(filled.split('\n').filter((line) => line.trimStart().startsWith('#'))).toEqual(
      committedText.split('\n').filter((line) => line.trimStart().startsWith('#')),
    );
    expect(loadYaml(filled)).toEqual({
      ...committed,
      features: {
        ...committed.features,
        slash_commands: [{ ...committed.features.slash_commands[0], url: REQUEST_URL }],
      },
      settings: {
        ...committed.settings,
        interactivity: { ...committed.settings.interactivity, request_url: REQUEST_URL },
      },
    });
  });

  it('can fill a filled manifest again (a new deployment, a new URL)', () => {
    const again = fillManifest(
      fillManifest(committedText, REQUEST_URL),
      'http://localhost:3000/slack/events',
    );
    expect(requestUrls(loadYaml(again))).toEqual({
      commands: ['http://localhost:3000/slack/events'],
      interactivity: 'http://localhost:3000/slack/events',
    });
  });

  it('fails when the manifest has no URL to fill', () => {
    expect(() => fillManifest('display_information:\n  name: x\n', REQUEST_URL)).toThrow(/slash_commands/);
  });
});

describe('npm run manifest -- <url>', () => {
  function run(args: string[]) {
    const dir = tempDir();
    const template = join(dir, 'manifest.yml');
    const output = join(dir, 'manifest.local.yml');
    writeFileSync(template, committedText);
    let stdout = '';
    let stderr = '';
    const code = manifestCommand(args, {
      template,
      output,
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    return { code, stdout, stderr, template, output };
  }

  it('prints the filled manifest and writes it to the local file; the template is left as it was', () => {
    const result = run([FUNCTION_URL]);

    expect(result.code).toBe(0);
    expect(requestUrls(loadYaml(result.stdout))).toEqual({
      commands: [REQUEST_URL],
      interactivity: REQUEST_URL,
    });
    expect(readFileSync(result.output, 'utf8')).toBe(result.stdout);
    expect(readFileSync(result.template, 'utf8')).toBe(committedText);
    expect(result.stderr).toContain(`Wrote ${result.output}`);
  });

  it('refuses a URL Slack cannot use: exit code 1, nothing written', () => {
    const result = run(['http://example.com/']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/only calls https/);
    expect(existsSync(result.output)).toBe(false);
    expect(readFileSync(result.template, 'utf8')).toBe(committedText);
  });

  it.each([[[]], [[FUNCTION_URL, 'extra']]])('prints the usage for arguments %j: exit code 2', (args) => {
    const result = run(args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: npm run manifest -- <function-url>/);
    expect(existsSync(result.output)).toBe(false);
  });
});

describe('writeLocalManifest', () => {
  it('can fill the template again for a new URL, overwriting the local file', () => {
    const dir = tempDir();
    const template = join(dir, 'manifest.yml');
    const output = join(dir, 'manifest.local.yml');
    writeFileSync(template, committedText);

    writeLocalManifest(template, output, FUNCTION_URL);
    const second = writeLocalManifest(template, output, 'http://localhost:3000');

    expect(requestUrls(loadYaml(readFileSync(output, 'utf8')))).toEqual({
      commands: ['http://localhost:3000/slack/events'],
      interactivity: 'http://localhost:3000/slack/events',
    });
    expect(readFileSync(output, 'utf8')).toBe(second);
    expect(readFileSync(template, 'utf8')).toBe(committedText);
  });
});
