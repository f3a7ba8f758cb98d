// Promotion order (DESIGN.md section 3b): does a promotion follow the function's stages, and has
// its version soaked long enough on the previous stage? The caller reads the alias and the audit
// table and passes what it found; this decides. Rollbacks are exempt: undoing a change must
// never wait for a rule about making one.
//
// The rules:
// - `from→to` going backwards (prod→test) or skipping a stage (dev→prod), or an explicit version
//   that is neither on the previous stage now nor was ever APPLIED there: under `warn` the card
//   flags it in bold; under `strict` it is refused unless `--skip-stages` (then flagged).
// - `minSoak` for the target alias: the version must have run on the previous stage that long,
//   from its APPLIED time there to now (or to when it left). "Must": not met, it is refused in
//   both modes, since a soak rule that only warns is what `stageOrder: warn` already says.
//   `--skip-stages` passes it (flagged): skipping a stage is skipping its soak.
// - An alias that is not one of the stages, or the first stage, has no previous stage: no rule.
import type { StageOrderMode } from './config-model';
import { formatDuration } from './duration';

export type StageReason =
  | { code: 'backwards'; from: string; to: string }
  | { code: 'skips'; from: string; to: string; skipped: string[] }
  | { code: 'not-on-previous'; version: string; previous: string }
  | { code: 'soak-unknown'; version: string; previous: string; requiredMs: number }
  | { code: 'soak-short'; version: string; previous: string; ranMs: number; requiredMs: number };

/** How long the version has run on the previous stage, for the card. */
export interface Soak {
  previous: string;
  /** Undefined: no APPLIED event of this version there (moved by hand, or never there). */
  ranMs: number | undefined;
  requiredMs: number;
}

export type StageVerdict =
  | { kind: 'ok'; soak?: Soak }
  | { kind: 'warn'; reasons: StageReason[]; soak?: Soak }
  | { kind: 'refuse'; reasons: StageReason[]; soak?: Soak };

export interface StageOrderInput {
  kind: 'promote' | 'rollback';
  /** The function's stages in promotion order (may be empty). */
  stages: string[];
  /** The source alias of a `from→to` promotion; undefined for an explicit version. */
  from?: string;
  to: string;
  version: string;
  /** What the caller found about `version` on the stage before `to`. */
  previousStage: {
    /** The previous stage's alias points at the version now. */
    hasVersionNow: boolean;
    /** The last time the version was APPLIED there (ISO-8601), if ever. */
    appliedAt?: string;
    /** When it left the previous stage (the next APPLIED there), if it has. */
    leftAt?: string;
  };
  mode: StageOrderMode;
  skipStages: boolean;
  /** `minSoak` of the target alias, in milliseconds; undefined: no soak required. */
  minSoakMs?: number;
  now: Date;
}

export function decideStageOrder(input: StageOrderInput): StageVerdict {
  const { kind, stages, from, to, version, previousStage, mode, skipStages, minSoakMs, now } = input;
  if (kind === 'rollback') return { kind: 'ok' };
  const toIndex = stages.indexOf(to);
  const previous = toIndex > 0 ? stages[toIndex - 1] : undefined;
  if (previous === undefined) return { kind: 'ok' };

  const order: StageReason[] = [];
  const fromIndex = from === undefined ? -1 : stages.indexOf(from);
  if (from !== undefined && fromIndex >= 0) {
    if (fromIndex >= toIndex) order.push({ code: 'backwards', from, to });
    else if (fromIndex < toIndex - 1)
      order.push({ code: 'skips', from, to, skipped: stages.slice(fromIndex + 1, toIndex) });
  } else if (!previousStage.hasVersionNow && previousStage.appliedAt === undefined) {
    // An explicit version, or a source alias outside the stages: judged by where the version ran.
    order.push({ code: 'not-on-previous', version, previous });
  }

  const soak =
    minSoakMs === undefined || minSoakMs <= 0 ? undefined : soakOf(input, previous, minSoakMs, now);
  const soakReasons: StageReason[] = [];
  if (soak && (soak.ranMs === undefined || soak.ranMs < soak.requiredMs)) {
    soakReasons.push(
      soak.ranMs === undefined
        ? { code: 'soak-unknown', version, previous, requiredMs: soak.requiredMs }
        : { code: 'soak-short', version, previous, ranMs: soak.ranMs, requiredMs: soak.requiredMs },
    );
  }

  const reasons = [...order, ...soakReasons];
  const withSoak = soak ? { soak } : {};
  if (reasons.length === 0) return { kind: 'ok', ...withSoak };
  const refused = !skipStages && (soakReasons.length > 0 || mode === 'strict');
  return { kind: refused ? 'refuse' : 'warn', reasons, ...withSoak };
}

function soakOf(input: StageOrderInput, previous: string, requiredMs: number, now: Date): Soak {
  const { appliedAt, leftAt } = input.previousStage;
  if (appliedAt === undefined) return { previous, ranMs: undefined, requiredMs };
  const end = leftAt === undefined ? now.getTime() : Math.min(Date.parse(leftAt), now.getTime());
  return { previous, ranMs: Math.max(0, end - Date.parse(appliedAt)), requiredMs };
}

/** Plain text (the Slack layer escapes it: alias names come from configuration and commands). */
export function stageReasonText(reason: StageReason): string {
  switch (reason.code) {
    case 'backwards':
      return `${reason.from}→${reason.to} goes backwards in the promotion order`;
    case 'skips':
      return `${reason.from}→${reason.to} skips ${reason.skipped.join(', ')}`;
    case 'not-on-previous':
      return `version ${reason.version} never ran on ${reason.previous}`;
    case 'soak-unknown':
      return `version ${reason.version} has no recorded time on ${reason.previous}; it must run there ${formatDuration(reason.requiredMs)} first`;
    case 'soak-short':
      return `version ${reason.version} has run on ${reason.previous} for ${formatDuration(reason.ranMs)}, less than the ${formatDuration(reason.requiredMs)} required`;
  }
}
