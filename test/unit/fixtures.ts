// Hand-built domain values for unit tests: one plausible request, overridable field by field.
import type { AliasInfo, ManagedFunction, VersionInfo } from '../../src/domain/model';
import { type AuditAction, type AuditEvent, type ChangeRequest, eventFor } from '../../src/domain/request';

export const CREATED_AT = '2030-05-06T10:00:00.000Z';
export const EXPIRES_AT = '2030-05-06T11:00:00.000Z';

export function changeRequest(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    id: 'R7K2M9QX4A',
    kind: 'promote',
    function: 'orders',
    functionName: 'orders-service',
    alias: 'prod',
    toVersion: '42',
    fromVersion: '41',
    fromRevisionId: 'rev-41',
    fromWeights: {},
    sourceAlias: 'test',
    requester: 'UREQUESTER',
    team: 'T0TEAM',
    channel: 'C0RELEASES',
    createdAt: CREATED_AT,
    expiresAt: EXPIRES_AT,
    rule: { approvers: 'anyone', required: 1 },
    selfApproval: false,
    lastStage: true,
    versions: {
      from: {
        version: '41',
        description: 'orders 1.4.0',
        lastModified: '2030-05-01T08:00:00.000Z',
        codeSha256: 'AAAAAAAAhashOf41xxxxxxxxxxxxxxxxxxxxxxxxxxx=',
      },
      to: {
        version: '42',
        description: 'orders 1.5.0',
        lastModified: '2030-05-05T08:00:00.000Z',
        codeSha256: 'BBBBBBBBhashOf42xxxxxxxxxxxxxxxxxxxxxxxxxxx=',
      },
    },
    diff: { changes: [], envAdded: [], envRemoved: [], envChanged: [] },
    ...overrides,
  };
}

/** An audit event of `request`, numbered `seq`. */
export function auditEvent(
  request: ChangeRequest,
  action: AuditAction,
  actor: string,
  seq: number,
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  const at = new Date(Date.parse(CREATED_AT) + seq * 60_000);
  return { ...eventFor(request, action, actor, at), seq, ...extra };
}

export function managedFunction(overrides: Partial<ManagedFunction> = {}): ManagedFunction {
  return { key: 'orders', functionName: 'orders-service', stages: ['dev', 'test', 'prod'], ...overrides };
}

export function aliasInfo(
  name: string,
  version: string,
  additionalWeights: Record<string, number> = {},
): AliasInfo {
  return { name, version, additionalWeights, revisionId: `rev-${name}-${version}`, description: '' };
}

export function versionInfo(version: string, overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    version,
    description: `release ${version}`,
    lastModified: '2030-05-01T08:00:00.000Z',
    codeSha256: `CODE${version.padStart(4, '0')}sha256base64xxxxxxxxxxxxxxxxxxxx=`,
    runtime: 'nodejs20.x',
    memorySize: 256,
    timeout: 10,
    architectures: ['arm64'],
    environmentDigests: {},
    ...overrides,
  };
}

/** Every string a Block Kit message carries, however deep: what Slack could render. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(allStrings);
  return [];
}
