import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkTemplates } from '../../../src/domain/config-model';
import {
  fill,
  isRefName,
  linksFor,
  parseDescription,
  shortSha,
  type VersionMetadata,
} from '../../../src/domain/version-metadata';

const SHA = '3f9c2e1a4b5c6d7e8f901234567890abcdef1234';

describe('parseDescription', () => {
  it('reads the tokens among free text and keeps the rest', () => {
    const parsed = parseDescription(
      'Retry payment callbacks sha=3f9c2e1 pr=482 build=https://ci.example.com/run/991 ref=main',
    );

    expect(parsed).toEqual({
      metadata: { sha: '3f9c2e1', pr: '482', build: 'https://ci.example.com/run/991', ref: 'main' },
      text: 'Retry payment callbacks',
    });
  });

  it('works as today for a description without tokens', () => {
    expect(parseDescription('orders 1.5.0')).toEqual({ metadata: {}, text: 'orders 1.5.0' });
  });

  it.each<[string, string, VersionMetadata]>([
    ['a full SHA, lower-cased', `sha=${SHA.toUpperCase()}`, { sha: SHA }],
    ['a 7-character SHA', 'sha=abcdef0', { sha: 'abcdef0' }],
    ['a tag', 'ref=v1.2.3', { ref: 'v1.2.3' }],
    ['a nested branch', 'ref=feature/pay-42', { ref: 'feature/pay-42' }],
    ['a full ref', 'ref=refs/heads/main', { ref: 'refs/heads/main' }],
    [
      'a build URL with a query',
      'build=https://ci.example.com/run?id=991&attempt=2',
      { build: 'https://ci.example.com/run?id=991&attempt=2' },
    ],
    ['the first of two SHAs', 'sha=aaaaaaa sha=bbbbbbb', { sha: 'aaaaaaa' }],
  ])('accepts %s', (_name, description, metadata) => {
    expect(parseDescription(description).metadata).toEqual(metadata);
  });

  it.each<[string, string]>([
    ['a 6-character SHA', 'sha=abcdef'],
    ['a 41-character SHA', `sha=${SHA}a`],
    ['a SHA that is not hex', 'sha=3f9c2eg'],
    ['a SHA with a link', 'sha=<https://evil.example|3f9c2e1>'],
    ['a PR with letters', 'pr=48a'],
    ['a PR with a hash', 'pr=#482'],
    ['a PR of zero', 'pr=0'],
    ['a PR as a mention', 'pr=<!channel>'],
    ['a build over http', 'build=http://ci.example.com/run/991'],
    ['a build with javascript', 'build=javascript:alert(1)'],
    ['a build with a pipe (Slack link label)', 'build=https://ci.example.com/x|click-me'],
    ['a build with angle brackets', 'build=https://ci.example.com/<!channel>'],
    ['a build with credentials', 'build=https://user:pw@ci.example.com/run'],
    ['a build with a backslash', 'build=https:\\\\evil.example'],
    ['a build without host', 'build=https:///path'],
    ['a build with a quote', `build=https://ci.example.com/"onmouseover`],
    ['a ref with ..', 'ref=main..evil'],
    ['a ref with @{', 'ref=main@{1}'],
    ['a ref ending in .lock', 'ref=main.lock'],
    ['a ref with a component starting with a dot', 'ref=feature/.hidden'],
    ['a ref with a pipe', 'ref=a|b'],
    ['a ref with angle brackets', 'ref=<!here>'],
    ['a ref with a backtick', 'ref=a`b'],
    ['a ref that is @', 'ref=@'],
    ['an empty value', 'sha='],
    ['an unknown key', 'commit=3f9c2e1'],
    ['an upper-case key', 'SHA=3f9c2e1'],
    ['a token in punctuation', '(sha=3f9c2e1)'],
    ['a prototype key', '__proto__=x'],
    ['a constructor key', 'constructor=x'],
  ])('leaves %s as text', (_name, description) => {
    const parsed = parseDescription(`fix ${description}`);

    expect(parsed.metadata).toEqual({});
    expect(parsed.text).toBe(`fix ${description}`);
  });

  it('recognises a valid token after a malformed one of the same key', () => {
    expect(parseDescription('sha=nothex sha=abcdef0')).toEqual({
      metadata: { sha: 'abcdef0' },
      text: 'sha=nothex',
    });
  });

  it('never yields metadata with a character Slack reads in a link (property)', () => {
    const hostile = fc.constantFrom(
      '<',
      '>',
      '|',
      '&',
      '`',
      '"',
      ' ',
      '\n',
      '@',
      '{',
      '}',
      '#',
      '/',
      ':',
      'a',
      '1',
      'https://',
    );
    const value = fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.constantFrom('sha', 'ref', 'pr', 'build'), value, (key, v) => {
        for (const found of Object.values(parseDescription(`${key}=${v}`).metadata)) {
          expect(found).not.toMatch(/[<>|\s`"]/);
        }
      }),
    );
  });
});

describe('isRefName', () => {
  it.each<[string, boolean]>([
    ['main', true],
    ['release/2026-11', true],
    ['v1.2.3+build.5', true],
    ['', false],
    ['/main', false],
    ['main/', false],
    ['main.', false],
    ['a//b', false],
    ['a b', false],
    ['a~1', false],
    ['a^', false],
    ['a:b', false],
    ['a?', false],
    ['a*', false],
    ['a[b', false],
    ['x'.repeat(256), false],
  ])('%j → %s', (ref, expected) => {
    expect(isRefName(ref)).toBe(expected);
  });
});

describe('linksFor', () => {
  const templates: LinkTemplates = {
    commit: 'https://github.com/acme/orders/commit/{sha}',
    pr: 'https://github.com/acme/orders/pull/{pr}',
    compare: 'https://github.com/acme/orders/compare/{from}...{to}',
  };

  it('links the commit, the PR, the build and the compare from the replaced version', () => {
    const links = linksFor(
      { sha: 'bbbbbbb', pr: '482', build: 'https://ci.example.com/run/991' },
      templates,
      { sha: 'aaaaaaa' },
    );

    expect(links).toEqual({
      commit: 'https://github.com/acme/orders/commit/bbbbbbb',
      pr: 'https://github.com/acme/orders/pull/482',
      build: 'https://ci.example.com/run/991',
      compare: 'https://github.com/acme/orders/compare/aaaaaaa...bbbbbbb',
    });
  });

  it.each<[string, VersionMetadata, LinkTemplates, VersionMetadata | undefined, string[]]>([
    ['no metadata: no links', {}, templates, undefined, []],
    ['a build without templates', { build: 'https://ci.example.com/1' }, {}, undefined, ['build']],
    ['a SHA without a commit template', { sha: 'bbbbbbb' }, { pr: templates.pr }, undefined, []],
    ['no compare without the old SHA', { sha: 'bbbbbbb' }, templates, {}, ['commit']],
    ['no compare between equal SHAs', { sha: 'bbbbbbb' }, templates, { sha: 'bbbbbbb' }, ['commit']],
    [
      'an http template gives nothing',
      { sha: 'bbbbbbb' },
      { commit: 'http://git.example.com/{sha}' },
      undefined,
      [],
    ],
    [
      'a template with an unknown placeholder gives nothing',
      { sha: 'bbbbbbb' },
      { commit: 'https://g.example/{repo}/{sha}' },
      undefined,
      [],
    ],
  ])('%s', (_name, metadata, linkTemplates, from, keys) => {
    expect(Object.keys(linksFor(metadata, linkTemplates, from)).sort()).toEqual([...keys].sort());
  });
});

describe('fill', () => {
  it('URL-encodes every value, so a value cannot add a path, query, fragment or host', () => {
    const url = fill('https://g.example/commit/{sha}', { sha: '../../x?y=1#z@evil.example' });

    expect(url).toBe('https://g.example/commit/..%2F..%2Fx%3Fy%3D1%23z%40evil.example');
    expect(new URL(url as string).hostname).toBe('g.example');
  });

  it.each<[string, string, Record<string, string | undefined>]>([
    ['a value with a pipe', 'https://g.example/{sha}', { sha: 'a|b' }],
    ['a value with angle brackets', 'https://g.example/{sha}', { sha: '<!channel>' }],
  ])('encodes %s, leaving no Slack link syntax', (_name, template, values) => {
    expect(fill(template, values)).not.toMatch(/[<>|]/);
  });

  it.each<[string, string | undefined, Record<string, string | undefined>]>([
    ['no template', undefined, { sha: 'a' }],
    ['a missing value', 'https://g.example/{sha}', {}],
    ['an undefined value', 'https://g.example/{sha}', { sha: undefined }],
    ['a template with a pipe', 'https://g.example/{sha}|click', { sha: 'abc' }],
    ['a javascript template', 'javascript:alert("{sha}")', { sha: 'abc' }],
    ['a value with a lone surrogate', 'https://g.example/{sha}', { sha: 'a\uD800b' }],
    ['a placeholder named like a prototype member', 'https://g.example/{constructor}', {}],
  ])('gives nothing for %s', (_name, template, values) => {
    expect(fill(template, values)).toBeUndefined();
  });

  it('yields only https URLs without <, > or | whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const url = fill('https://g.example/c/{sha}?q={sha}', { sha: value });
        if (url === undefined) return;
        expect(url.startsWith('https://g.example/c/')).toBe(true);
        expect(url).not.toMatch(/[<>|\s]/);
      }),
    );
  });
});

describe('shortSha', () => {
  it('keeps seven characters', () => {
    expect(shortSha(SHA)).toBe('3f9c2e1');
  });
});
