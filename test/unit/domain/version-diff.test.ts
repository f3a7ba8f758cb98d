import { describe, expect, it } from 'vitest';
import type { VersionInfo } from '../../../src/domain/model';
import { diffVersions, type FieldChange, shortHash } from '../../../src/domain/version-diff';
import { versionInfo as fixture } from '../fixtures';

/** Versions that differ in nothing but their number, unless told. */
const versionInfo = (version: string, overrides: Partial<VersionInfo> = {}): VersionInfo =>
  fixture(version, { description: 'same', codeSha256: 'SAMECODEsha', ...overrides });

const DIGEST = (n: number) => `digest${n}`.padEnd(64, 'f');

describe('diffVersions', () => {
  it('reports nothing between identical versions', () => {
    // Prepare
    const from = versionInfo('41', { environmentDigests: { A: DIGEST(1) } });
    const to = versionInfo('42', { environmentDigests: { A: DIGEST(1) } });

    // Act
    const diff = diffVersions(from, to);

    // Assess
    expect(diff).toEqual({ changes: [], envAdded: [], envRemoved: [], envChanged: [] });
  });

  it.each<{
    field: FieldChange['field'];
    from: Partial<VersionInfo>;
    to: Partial<VersionInfo>;
    change: [string, string];
  }>([
    { field: 'description', from: { description: 'v1' }, to: { description: 'v2' }, change: ['v1', 'v2'] },
    { field: 'description', from: { description: '' }, to: { description: 'first' }, change: ['', 'first'] },
    {
      field: 'date',
      from: { lastModified: '2030-01-01T00:00:00.000Z' },
      to: { lastModified: '2030-02-01T00:00:00.000Z' },
      change: ['2030-01-01T00:00:00.000Z', '2030-02-01T00:00:00.000Z'],
    },
    {
      field: 'code',
      from: { codeSha256: 'abcdefgh0123456789' },
      to: { codeSha256: 'ABCDEFGH0123456789' },
      change: ['abcdefgh', 'ABCDEFGH'],
    },
    {
      field: 'runtime',
      from: { runtime: 'nodejs18.x' },
      to: { runtime: 'nodejs20.x' },
      change: ['nodejs18.x', 'nodejs20.x'],
    },
    {
      field: 'runtime',
      from: { runtime: 'nodejs20.x' },
      to: { runtime: undefined },
      change: ['nodejs20.x', ''],
    },
    { field: 'memory', from: { memorySize: 128 }, to: { memorySize: 1024 }, change: ['128 MB', '1024 MB'] },
    { field: 'memory', from: { memorySize: undefined }, to: { memorySize: 512 }, change: ['', '512 MB'] },
    { field: 'timeout', from: { timeout: 3 }, to: { timeout: 30 }, change: ['3 s', '30 s'] },
    {
      field: 'architecture',
      from: { architectures: ['x86_64'] },
      to: { architectures: ['arm64'] },
      change: ['x86_64', 'arm64'],
    },
  ])('$field: $change.0 → $change.1', ({ field, from, to, change }) => {
    // Act
    const diff = diffVersions(versionInfo('41', from), versionInfo('42', to));

    // Assess
    expect(diff.changes).toEqual([{ field, from: change[0], to: change[1] }]);
  });

  it('lists every changed field once, in a stable order', () => {
    // Prepare
    const from = versionInfo('41');
    const to = versionInfo('42', {
      description: 'other',
      lastModified: '2031-01-01T00:00:00.000Z',
      codeSha256: 'ZZZZZZZZ',
      runtime: 'python3.12',
      memorySize: 512,
      timeout: 60,
      architectures: ['x86_64'],
    });

    // Act
    const diff = diffVersions(from, to);

    // Assess
    expect(diff.changes.map(({ field }) => field)).toEqual([
      'description',
      'date',
      'code',
      'runtime',
      'memory',
      'timeout',
      'architecture',
    ]);
  });

  it('ignores code differences past the short hash', () => {
    // Act
    const diff = diffVersions(
      versionInfo('41', { codeSha256: 'SAMEPREFabc' }),
      versionInfo('42', { codeSha256: 'SAMEPREFxyz' }),
    );

    // Assess
    expect(diff.changes).toEqual([]);
  });

  it('sorts environment keys added, removed and changed, from digests alone', () => {
    // Prepare
    const from = versionInfo('41', {
      environmentDigests: {
        TABLE: DIGEST(1),
        OLD_FLAG: DIGEST(2),
        API_KEY: DIGEST(3),
        B_SAME: DIGEST(4),
        LEGACY: DIGEST(5),
      },
    });
    const to = versionInfo('42', {
      environmentDigests: {
        TABLE: DIGEST(1),
        API_KEY: DIGEST(30),
        B_SAME: DIGEST(4),
        Z_NEW: DIGEST(6),
        A_NEW: DIGEST(7),
      },
    });

    // Act
    const diff = diffVersions(from, to);

    // Assess
    expect(diff).toEqual({
      changes: [],
      envAdded: ['A_NEW', 'Z_NEW'],
      envRemoved: ['LEGACY', 'OLD_FLAG'],
      envChanged: ['API_KEY'],
    });
  });

  it('never carries a digest, only key names', () => {
    // Prepare
    const from = versionInfo('41', { environmentDigests: { SECRET: DIGEST(1), GONE: DIGEST(2) } });
    const to = versionInfo('42', { environmentDigests: { SECRET: DIGEST(3), NEW: DIGEST(4) } });

    // Act
    const output = JSON.stringify(diffVersions(from, to));

    // Assess
    for (const n of [1, 2, 3, 4]) expect(output).not.toContain(DIGEST(n));
    expect(output).not.toMatch(/digest/);
  });

  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])(
    'reports an environment variable named %s like any other',
    (key) => {
      // Prepare: Lambda accepts any [a-zA-Z][a-zA-Z0-9_]* key, Object's own names included
      const without = versionInfo('41', { environmentDigests: { TABLE: DIGEST(1) } });
      const withKey = versionInfo('42', { environmentDigests: { TABLE: DIGEST(1), [key]: DIGEST(2) } });

      // Act
      const added = diffVersions(without, withKey);
      const removed = diffVersions(withKey, without);

      // Assess
      expect(added).toMatchObject({ envAdded: [key], envRemoved: [], envChanged: [] });
      expect(removed).toMatchObject({ envAdded: [], envRemoved: [key], envChanged: [] });
    },
  );
});

describe('shortHash', () => {
  it.each([
    ['qXJ0c7fDc2VzdGhlbG9uZ2hhc2g=', 'qXJ0c7fD'],
    ['short', 'short'],
    ['', ''],
  ])('%s → %s', (hash, short) => {
    expect(shortHash(hash)).toBe(short);
  });
});
