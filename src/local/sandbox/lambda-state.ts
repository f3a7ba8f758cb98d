// The sandbox's Lambda state across restarts. The Lambda API stand-in lives in memory, so every
// start seeds it again from demo-functions.ts and rebuilds what happened since from two records:
//  - versions published on the playground, journaled in <sandbox dir>/published-versions.json
//    (the one fact the audit table cannot hold), published again in order with the same specs;
//  - alias changes, replayed from the APPLIED events of the audit table in dynalite, the system of
//    record for every change the bot made (nothing else moves aliases in the sandbox).
// The stand-in gives every alias a new RevisionId, so a request still pending from before the
// restart ends STALE when approved: the bot sees the alias as moved, as it would on AWS.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { functionPk, itemToEvent } from '../../adapters/dynamodb-items';
import { TABLE_SCHEMA } from '../../adapters/table-schema';
import type { AuditEvent } from '../../domain/request';
import type { LambdaAccountRegion, LambdaApiStandIn, VersionSpec } from '../stand-ins/lambda-api';
import { type DemoFunction, demoFunction, nextDemoVersion } from './demo-functions';

interface JournalEntry {
  function: string;
  version: string;
  spec: VersionSpec;
}

export interface RestoreSummary {
  publishedVersions: number;
  replayedChanges: number;
  /** What could not be restored, in sentences for the console. */
  warnings: string[];
}

export class SandboxLambdaState {
  private journal: JournalEntry[] = [];
  private readonly versionCounts = new Map<string, number>();
  private readonly latestEnvironments = new Map<string, Record<string, string>>();

  constructor(
    private readonly lambda: LambdaApiStandIn,
    private readonly functions: DemoFunction[],
    private readonly journalPath: string,
  ) {}

  /** Seeds the stand-in, publishes the journaled versions, replays the applied changes. */
  async restore(dynamo: DynamoDBClient, tableName: string): Promise<RestoreSummary> {
    const warnings: string[] = [];
    for (const fn of this.functions) {
      this.placeOf(fn).createFunction(fn.functionName, fn.spec);
      const versions = fn.spec.versions ?? [];
      this.versionCounts.set(fn.key, versions.length);
      this.latestEnvironments.set(fn.key, { ...versions.at(-1)?.environment });
    }
    for (const entry of await readJournal(this.journalPath)) {
      const fn = demoFunction(entry.function);
      const published = fn === undefined ? undefined : this.publishSpec(fn, entry.spec);
      if (published === entry.version) this.journal.push(entry);
      else
        warnings.push(
          `the journal's ${entry.function} version ${entry.version} could not be published again`,
        );
    }
    let replayedChanges = 0;
    for (const fn of this.functions) {
      for (const event of await appliedEvents(dynamo, tableName, fn.key)) {
        try {
          this.placeOf(fn).setAlias(fn.functionName, event.alias, event.toVersion, {});
          replayedChanges += 1;
        } catch (error) {
          warnings.push(
            `${fn.key} ${event.alias} → ${event.toVersion} (${event.requestId}) not replayed: ${(error as Error).message}`,
          );
        }
      }
    }
    return { publishedVersions: this.journal.length, replayedChanges, warnings };
  }

  /** Publishes the function's next demo version and journals it; returns its number. */
  async publishNext(fn: DemoFunction, now: Date): Promise<string> {
    const number = (this.versionCounts.get(fn.key) ?? 0) + 1;
    const spec = nextDemoVersion(fn, number, this.latestEnvironments.get(fn.key) ?? {}, now);
    const version = this.publishSpec(fn, spec);
    this.journal.push({ function: fn.key, version, spec });
    await writeJournal(this.journalPath, this.journal);
    return version;
  }

  /** The stand-in's account and region where the function lives. */
  placeOf(
    fn: DemoFunction,
  ): Pick<LambdaAccountRegion, 'createFunction' | 'publishVersion' | 'setAlias' | 'alias'> {
    return fn.place ? this.lambda.inAccount(fn.place.account, fn.place.region) : this.lambda;
  }

  private publishSpec(fn: DemoFunction, spec: VersionSpec): string {
    const version = this.placeOf(fn).publishVersion(fn.functionName, spec);
    this.versionCounts.set(fn.key, Number(version));
    this.latestEnvironments.set(fn.key, { ...spec.environment });
    return version;
  }
}

/** A function's APPLIED events, oldest first: every page of the byFunction index. */
async function appliedEvents(dynamo: DynamoDBClient, tableName: string, fn: string): Promise<AuditEvent[]> {
  const index = TABLE_SCHEMA.indexes.byFunction;
  const events: AuditEvent[] = [];
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#action = :applied',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#action': 'action' },
        ExpressionAttributeValues: { ':pk': { S: functionPk(fn) }, ':applied': { S: 'APPLIED' } },
        ScanIndexForward: true,
        ExclusiveStartKey: startKey,
      }),
    );
    events.push(...(page.Items ?? []).map(itemToEvent));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events;
}

async function readJournal(path: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = JSON.parse(text) as { published?: JournalEntry[] };
  return Array.isArray(parsed.published) ? parsed.published : [];
}

/** Written whole and renamed into place, so a crash never leaves half a journal. */
async function writeJournal(path: string, journal: JournalEntry[]): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ published: journal }, null, 2)}\n`);
  await rename(temporary, path);
}
