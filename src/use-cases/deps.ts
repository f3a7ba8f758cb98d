// What the use cases are given: configuration and ports, built once by the composition root.
import { ChatopsError } from '../domain/errors';
import type { ChatopsConfig, ManagedFunction } from '../domain/model';
import { compareText } from '../domain/text-order';
import type {
  AuditLog,
  Clock,
  Directory,
  LambdaRegistry,
  LockStore,
  RequestStore,
  WorkQueue,
} from '../ports';

export interface Deps {
  config: ChatopsConfig;
  registry: LambdaRegistry;
  audit: AuditLog;
  requests: RequestStore;
  /** Deploy locks (DESIGN.md section 3b). */
  locks: LockStore;
  directory: Directory;
  queue: WorkQueue;
  clock: Clock;
  /** Random bytes for request ids (injected so tests can make ids predictable). */
  random: (size: number) => Uint8Array;
}

/** Deny by default: only configured functions exist as far as Slack is concerned. */
export function managedFunction(config: ChatopsConfig, key: string): ManagedFunction {
  // Own keys only: `constructor` is a valid function name and must not find Object's.
  const fn = Object.hasOwn(config.functions, key) ? config.functions[key] : undefined;
  if (!fn) {
    const names = Object.keys(config.functions).sort();
    throw new ChatopsError(
      'UNKNOWN_FUNCTION',
      `\`${key}\` is not a function this bot manages. Managed functions: ${names.map((n) => `\`${n}\``).join(', ')}.`,
    );
  }
  return fn;
}

/** Aliases in the order of the function's stages, then the others by name. */
export function stageOrder<T extends { name: string }>(fn: ManagedFunction, aliases: T[]): T[] {
  const rank = (name: string) => {
    const index = fn.stages.indexOf(name);
    return index === -1 ? fn.stages.length : index;
  };
  return [...aliases].sort((a, b) => rank(a.name) - rank(b.name) || compareText(a.name, b.name));
}
