// What differs between two versions, for the approval card. Environment variables are compared
// by digest and reported by key only: values never reach Slack.
import type { VersionInfo } from './model';
import { compareText } from './text-order';

export interface FieldChange {
  field: 'description' | 'date' | 'code' | 'runtime' | 'memory' | 'timeout' | 'architecture';
  from: string;
  to: string;
}

export interface VersionDiff {
  changes: FieldChange[];
  envAdded: string[];
  envRemoved: string[];
  envChanged: string[];
}

export function diffVersions(from: VersionInfo, to: VersionInfo): VersionDiff {
  const changes: FieldChange[] = [];
  const compare = (field: FieldChange['field'], a: string, b: string) => {
    if (a !== b) changes.push({ field, from: a, to: b });
  };
  compare('description', from.description, to.description);
  compare('date', from.lastModified, to.lastModified);
  compare('code', shortHash(from.codeSha256), shortHash(to.codeSha256));
  compare('runtime', from.runtime ?? '', to.runtime ?? '');
  compare('memory', megabytes(from.memorySize), megabytes(to.memorySize));
  compare('timeout', seconds(from.timeout), seconds(to.timeout));
  compare('architecture', from.architectures.join(', '), to.architectures.join(', '));
  const before = from.environmentDigests;
  const after = to.environmentDigests;
  const sorted = (keys: string[]) => keys.sort(compareText);
  return {
    changes,
    envAdded: sorted(Object.keys(after).filter((key) => !Object.hasOwn(before, key))),
    envRemoved: sorted(Object.keys(before).filter((key) => !Object.hasOwn(after, key))),
    envChanged: sorted(
      Object.keys(after).filter((key) => Object.hasOwn(before, key) && before[key] !== after[key]),
    ),
  };
}

/** Lambda's CodeSha256 is base64; people compare the first characters. */
export function shortHash(codeSha256: string): string {
  return codeSha256.slice(0, 8);
}

const megabytes = (value: number | undefined) => (value === undefined ? '' : `${value} MB`);
const seconds = (value: number | undefined) => (value === undefined ? '' : `${value} s`);
