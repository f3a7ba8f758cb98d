// Synthesizes the stack as `cdk synth` does (with cdk.json's feature flags), from a stand-in build
// output so that the infra tests need no `npm run build`, and renders the template's policies as
// plain strings so that tests read like the policy a reviewer would read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChatopsStack, type ChatopsStackProps } from '../../infra/lib/chatops-stack';
import { REPO_ROOT, tempDir } from './files';

const CDK_CONTEXT = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

export interface Synthesized {
  stack: ChatopsStack;
  template: Template;
  /** The cloud assembly directory, where staged assets live. */
  assemblyDir: string;
}

export const FAKE_HANDLER = 'export const handler = async () => ({ statusCode: 200 });\n';

/** What `npm run build` writes, in miniature. */
export function fakeBuildOutput(): string {
  const dir = tempDir();
  for (const entry of ['handler', 'worker']) {
    writeFileSync(join(dir, `${entry}.mjs`), FAKE_HANDLER);
    writeFileSync(join(dir, `${entry}.mjs.map`), '{"version":3,"sources":[],"mappings":""}\n');
  }
  return dir;
}

/**
 * The stack as `cdk synth` builds it; the build output is a stand-in unless `handlerAssetDir` is
 * given. `prepare` runs before synthesis (to add validation plugins, or a construct under test).
 */
export function synthesize(
  props: ChatopsStackProps,
  prepare?: (app: App, stack: ChatopsStack) => void,
): Synthesized {
  const assemblyDir = tempDir();
  const app = new App({ context: CDK_CONTEXT, outdir: assemblyDir });
  const stack = new ChatopsStack(app, 'LambdaChatops', {
    ...props,
    handlerAssetDir: props.handlerAssetDir ?? fakeBuildOutput(),
  });
  prepare?.(app, stack);
  app.synth();
  return { stack, template: Template.fromStack(stack), assemblyDir };
}

type Json = unknown;

/**
 * An intrinsic as the string it becomes: `{Ref: X}` → `${X}`, `{Fn::GetAtt: [X, Y]}` → `${X.Y}`,
 * `{Fn::Join: ['', parts]}` → the parts joined. `arn:${AWS::Partition}:lambda:...` reads as an ARN.
 */
export function render(value: Json): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, Json>;
  if ('Ref' in object) return `\${${object.Ref}}`;
  if ('Fn::GetAtt' in object) return `\${${(object['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, Json[]];
    return parts.map(render).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

export interface Statement {
  sid: string | undefined;
  effect: string;
  actions: string[];
  resources: string[];
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every statement of every identity policy in the template (policies and roles' inline policies),
 * with actions and resources sorted: their order means nothing to IAM.
 */
export function identityStatements(template: Template, roleId?: string): Statement[] {
  const documents: Json[] = [];
  for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = asList(resource.Properties.Roles as Json[]).map(render);
    if (roleId === undefined || roles.includes(`\${${roleId}}`))
      documents.push(resource.Properties.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    if (roleId !== undefined && id !== roleId) continue;
    for (const policy of asList(resource.Properties.Policies))
      documents.push((policy as { PolicyDocument: Json }).PolicyDocument);
  }
  return documents.flatMap((document) =>
    asList((document as { Statement: Record<string, Json>[] }).Statement).map((statement) => ({
      sid: statement.Sid as string | undefined,
      effect: statement.Effect as string,
      actions: asList(statement.Action as string | string[]).sort(),
      resources: asList(statement.Resource).map(render).sort(),
    })),
  );
}

/** The resource of a type whose logical id starts with `prefix` (CDK appends a hash). */
export function resourceById(
  template: Template,
  type: string,
  prefix: string,
): { id: string; resource: Record<string, Json> } {
  const found = Object.entries(template.findResources(type)).filter(([id]) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}…, found ${found.length}`);
  const [id, resource] = found[0] as [string, Record<string, Json>];
  return { id, resource };
}

/** The one resource of a type, with its logical id. */
export function onlyResource(
  template: Template,
  type: string,
): { id: string; resource: Record<string, Json> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0] as [string, Record<string, Json>];
  return { id, resource };
}
