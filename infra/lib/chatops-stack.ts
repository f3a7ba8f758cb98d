// The one stack of lambda-chatops: the audit table, the Slack secret, and the bot's two functions
// (DESIGN.md section 6): the Slack-facing function behind a Function URL, and the worker that
// applies approved requests and runs rollouts (with its schedule group and the scheduler role).
// Each has its own IAM role that can do exactly what that function does to exactly the functions
// chatops.config.yml lists; only the worker may move an alias, schedule or read metrics (DESIGN.md
// sections 3a, 4, 6 and 10).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALIAS_CALLS, CLOUDTRAIL_DETAIL_TYPE } from '../../src/adapters/cloudtrail-alias-call';
import { TABLE_SCHEMA } from '../../src/adapters/table-schema';
import { HEARTBEAT_KIND } from '../../src/adapters/worker-event';
import type { ChatopsConfig } from '../../src/domain/model';
import { checkCodeCaches } from './code-cache-check';
import { assumedRoles, managedFunctionResources } from './function-arns';
import { FUNCTION_ARCHITECTURE, HANDLER_MEMORY_MB, WORKER_MEMORY_MB } from './function-platform';
import { acknowledgeNagFindings } from './nag-acknowledgements';

/** `npm run build` writes both bundles here; the stack deploys this directory as it is. */
export const DEFAULT_HANDLER_ASSET_DIR = fileURLToPath(new URL('../../dist', import.meta.url));
export const DEFAULT_FUNCTION_NAME = 'lambda-chatops';
/** The worker's name (and its role's): the Slack-facing function's, with this suffix. */
export const WORKER_SUFFIX = '-worker';
/** The Slack-facing function's role: `<functionName>-handler`. */
export const HANDLER_ROLE_SUFFIX = '-handler';
/** The schedule group of the worker's rollout timers: the Slack-facing function's name, with this suffix. */
export const SCHEDULE_GROUP_SUFFIX = '-rollouts';
/** The files and export that `npm run build` produces: `dist/<entry>.mjs`, `export const handler`. */
const ENTRIES = { slack: 'handler', worker: 'worker' } as const;

/** Every API call the bot makes to read the functions it manages. */
const LAMBDA_READ_ACTIONS = [
  'lambda:GetAlias',
  'lambda:ListAliases',
  'lambda:ListVersionsByFunction',
  'lambda:GetFunctionConfiguration',
];
/**
 * The bot only adds items and reads them: without UpdateItem and DeleteItem, IAM itself keeps
 * audit events immutable; without Scan, every read is a key lookup or a Query.
 */
const TABLE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];

export interface ChatopsStackProps extends StackProps {
  /** The validated configuration; the IAM policy is derived from its functions. */
  config: ChatopsConfig;
  /** The Slack-facing function's name (the worker's adds `-worker`). Default `lambda-chatops`. */
  functionName?: string;
  /** The build output deployed as the functions' code. Default `<repo>/dist`. */
  handlerAssetDir?: string;
  /**
   * Sends CloudTrail's alias calls (UpdateAlias, CreateAlias, DeleteAlias) to the worker through an
   * EventBridge rule, so drift is noticed at once and who made it is known. Needs a trail logging
   * management events. Default false: drift is then noticed by the heartbeat's check.
   */
  driftEvents?: boolean;
  /** Pins the functions' runtime version (runtime management, manual mode); see deploy-settings.ts. */
  runtimeVersionArn?: string;
}

export interface BotFunction {
  fn: lambda.Function;
  role: iam.Role;
  logGroup: logs.LogGroup;
}

export class ChatopsStack extends Stack {
  readonly table: dynamodb.Table;
  readonly slackSecret: secretsmanager.CfnSecret;
  /** The Slack-facing function. */
  readonly handler: lambda.Function;
  readonly worker: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;
  /** Where the worker's events go when every attempt failed: never silent. */
  readonly failedWork: sqs.Queue;
  /** The role EventBridge Scheduler assumes to invoke the worker: it may do nothing else. */
  readonly schedulerRole: iam.Role;
  /** The recurring schedule that runs the worker's periodic jobs (drift checks, auto-promotion). */
  readonly heartbeat: scheduler.CfnSchedule;
  /** CloudTrail's alias calls to the worker; only with `driftEvents`. */
  readonly aliasCallsRule: events.Rule | undefined;
  /** The rollout steps' one-time schedules (DESIGN.md section 3a). */
  readonly scheduleGroup: scheduler.CfnScheduleGroup;

  constructor(scope: Construct, id: string, props: ChatopsStackProps) {
    super(scope, id, props);
    const functionName = props.functionName ?? DEFAULT_FUNCTION_NAME;
    const workerName = `${functionName}${WORKER_SUFFIX}`;
    const assetDir = resolve(props.handlerAssetDir ?? DEFAULT_HANDLER_ASSET_DIR);
    for (const entry of Object.values(ENTRIES)) {
      const file = join(assetDir, `${entry}.mjs`);
      if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run build\` first`);
    }
    // A V8 code cache is accepted by one Node version, architecture and set of flags only: a cache
    // that cannot match the deployed function would be read, and rejected, at every cold start.
    checkCodeCaches(assetDir, Object.values(ENTRIES), {
      architecture: FUNCTION_ARCHITECTURE,
      runtimeVersionArn: props.runtimeVersionArn,
    });

    // The system of record (DESIGN.md section 4). Retained when the stack is deleted and protected
    // against deletion: losing it loses the audit trail and what `rollback` rolls back to.
    this.table = new dynamodb.Table(this, 'AuditTable', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE_SCHEMA.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // Created empty: the template never holds the Slack secrets (the L2 `Secret` would generate a
    // random value instead, which is not the JSON the bot reads). The operator stores
    // {"signingSecret", "botToken"} with `aws secretsmanager put-secret-value` (README.md, "Deploying to AWS").
    this.slackSecret = new secretsmanager.CfnSecret(this, 'SlackSecret', {
      description: `Slack signing secret and bot token of ${functionName}: {"signingSecret": "...", "botToken": "..."}`,
    });

    // The rollout timer (DESIGN.md section 3a): one one-time schedule per step, in the worker's own
    // group, delivered by a role that can invoke the worker and do nothing else.
    const scheduleGroupName = `${functionName}${SCHEDULE_GROUP_SUFFIX}`;
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'RolloutSchedules', {
      name: scheduleGroupName,
    });
    this.schedulerRole = this.createSchedulerRole(workerName);

    const code = lambda.Code.fromAsset(assetDir);
    const slack = this.botFunction('Handler', {
      functionName,
      roleName: `${functionName}${HANDLER_ROLE_SUFFIX}`,
      entry: ENTRIES.slack,
      description:
        'lambda-chatops: answers Slack (the /lambda command and the card buttons); hands changes to the worker',
      code,
      runtimeVersionArn: props.runtimeVersionArn,
      // Memory buys CPU, and cold start is CPU-bound (loading the bundle, the SDK clients, TLS to
      // Secrets Manager) while counting against Slack's 3 seconds. 1769 MB is one full vCPU; Node
      // runs our code on one thread, so more memory would buy nothing. At chat-ops volumes (a few
      // hundred short invocations a day) the cost stays in cents.
      memorySize: HANDLER_MEMORY_MB,
      environment: {
        SLACK_SECRET_ARN: this.slackSecret.ref,
        AUDIT_TABLE_NAME: this.table.tableName,
        WORKER_FUNCTION_NAME: workerName,
      },
    });
    const worker = this.botFunction('Worker', {
      functionName: workerName,
      roleName: `${functionName}${WORKER_SUFFIX}`,
      entry: ENTRIES.worker,
      description:
        'lambda-chatops worker: applies approved requests and rollout steps (UpdateAlias) and reports through Slack',
      code,
      runtimeVersionArn: props.runtimeVersionArn,
      // Nobody waits on a cold worker the way Slack waits on the handler; half a vCPU still lists
      // a thousand versions in well under its timeout.
      memorySize: WORKER_MEMORY_MB,
      environment: {
        SLACK_SECRET_ARN: this.slackSecret.ref,
        AUDIT_TABLE_NAME: this.table.tableName,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        SCHEDULE_GROUP_NAME: scheduleGroupName,
      },
    });
    this.handler = slack.fn;
    this.worker = worker.fn;

    // Lambda retries a failed asynchronous event twice; after that the event lands in this queue
    // and its alarm fires, so a failed apply is never silent. (The request itself is never lost
    // either: the next click on its card, or `status`, starts the apply again.)
    this.failedWork = new sqs.Queue(this, 'FailedWork', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    worker.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failedWork),
    });
    new cloudwatch.Alarm(this, 'FailedWorkAlarm', {
      alarmDescription: `${workerName} gave up on an event after its retries: read it in the queue ${this.failedWork.node.id}, and the worker's log group`,
      metric: this.failedWork.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Slack signs every request and the handler verifies the signature and its timestamp, so the
    // URL itself needs no AWS authentication (Slack cannot sign with SigV4).
    this.functionUrl = slack.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const managedFunctions = managedFunctionResources(this, props.config);
    const readAndRecord = this.sharedStatements(managedFunctions);
    const roles = assumedRoles(props.config);
    const assume = (sid: string, resources: string[]) =>
      resources.length === 0
        ? []
        : [{ sid, actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'], resources }];
    this.grant(slack, [
      ...readAndRecord,
      // Other accounts (issue 11): only the configured accounts' roles, and none without `accounts`.
      ...assume('AssumeReaderRoles', roles.readers),
      // The worker's ARN from its name, not `grantInvoke`: explicit, and no dependency cycle.
      { sid: 'InvokeWorker', actions: ['lambda:InvokeFunction'], resources: [this.functionArn(workerName)] },
    ]);
    this.grant(worker, [
      ...readAndRecord,
      { sid: 'PromoteManagedFunctionAliases', actions: ['lambda:UpdateAlias'], resources: managedFunctions },
      ...assume('AssumeReaderRoles', roles.readers),
      ...assume('AssumePromoterRoles', roles.promoters),
      {
        sid: 'ScheduleRolloutSteps',
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [
          this.formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${scheduleGroupName}/*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      },
      {
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
      // GetMetricData has no resource-level permissions: IAM only accepts `*` for it.
      { sid: 'ReadRolloutMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
      {
        sid: 'ReadRolloutAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          this.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      },
    ]);

    this.heartbeat = this.heartbeatSchedule(worker.fn, this.schedulerRole);
    this.aliasCallsRule = props.driftEvents ? this.aliasCalls(worker.fn) : undefined;
    acknowledgeNagFindings({
      config: props.config,
      handler: slack,
      worker,
      slackSecret: this.slackSecret,
      failedWork: this.failedWork,
      scheduleGroupName,
    });

    new CfnOutput(this, 'FunctionUrl', {
      description: "The bot's URL for Slack: run `npm run manifest -- <this URL>`, then update the Slack app",
      value: this.functionUrl.url,
    });
    new CfnOutput(this, 'AuditTableName', {
      description: 'The DynamoDB audit table',
      value: this.table.tableName,
    });
    new CfnOutput(this, 'SlackSecretArn', {
      description: 'Store {"signingSecret","botToken"} here with `aws secretsmanager put-secret-value`',
      value: this.slackSecret.ref,
    });
    new CfnOutput(this, 'WorkerFunctionName', {
      description: 'The worker function (applies approved requests)',
      value: worker.fn.functionName,
    });
  }

  /**
   * The role EventBridge Scheduler assumes to invoke the worker, and nothing else: only Scheduler
   * of this account may assume it (the confused-deputy condition AWS recommends).
   */
  private createSchedulerRole(workerName: string): iam.Role {
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `EventBridge Scheduler: invokes ${workerName} (the heartbeat, rollout steps) and nothing else`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeWorker',
        actions: ['lambda:InvokeFunction'],
        resources: [this.functionArn(workerName)],
      }),
    );
    return role;
  }

  /**
   * The heartbeat (DESIGN.md section 3b): every 5 minutes the worker gets {"kind": "heartbeat"} and
   * runs each periodic job whose period has come round, so a period read from the configuration at
   * run time needs no schedule of its own.
   */
  private heartbeatSchedule(worker: lambda.Function, role: iam.Role): scheduler.CfnSchedule {
    return new scheduler.CfnSchedule(this, 'Heartbeat', {
      description: `Runs the periodic jobs of ${worker.node.id} (drift checks, auto-promotion)`,
      scheduleExpression: 'rate(5 minutes)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: worker.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify({ kind: HEARTBEAT_KIND }),
        // The next heartbeat comes in 5 minutes: an older one is not worth delivering.
        retryPolicy: { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 2 },
      },
    });
  }

  /**
   * CloudTrail's alias calls to the worker (`-c driftEvents=true`): any alias call of the account
   * and region; the worker keeps those of the configured functions. EventBridge may invoke the
   * worker through a resource policy bound to this rule; an event it cannot deliver lands in the
   * worker's failed-work queue.
   */
  private aliasCalls(worker: lambda.Function): events.Rule {
    const rule = new events.Rule(this, 'AliasCalls', {
      description: 'Lambda alias calls recorded by CloudTrail, to the lambda-chatops worker (drift)',
      eventPattern: {
        source: ['aws.lambda'],
        detailType: [CLOUDTRAIL_DETAIL_TYPE],
        detail: { eventSource: ['lambda.amazonaws.com'], eventName: Object.keys(ALIAS_CALLS) },
      },
    });
    rule.addTarget(
      new eventTargets.LambdaFunction(worker, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.failedWork,
      }),
    );
    return rule;
  }

  /** A function of the bot: its own role, its own log group, an alarm on its errors. */
  private botFunction(
    id: string,
    options: {
      functionName: string;
      roleName: string;
      entry: string;
      description: string;
      code: lambda.Code;
      runtimeVersionArn: string | undefined;
      memorySize: number;
      environment: Record<string, string>;
    },
  ): BotFunction {
    const prefix = id === 'Handler' ? '' : id; // the Slack-facing function keeps its first ids
    const logGroup = new logs.LogGroup(this, `${prefix}Logs`, {
      logGroupName: `/aws/lambda/${options.functionName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      // The audit trail lives in the table; a retained log group with this fixed name would make
      // the next deployment after `cdk destroy` fail.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one: AWSLambdaBasicExecutionRole may create and write
    // any log group in the account; this one writes to its own log group only.
    // Named, so that the LambdaChatopsTarget stack in other accounts can trust exactly this role.
    const role = new iam.Role(this, `${prefix}Role`, {
      roleName: `${options.roleName}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${options.functionName}: ${options.description}`.slice(0, 1000),
    });
    const fn = new lambda.Function(this, id, {
      functionName: options.functionName,
      description: options.description,
      // The newest Node.js runtime CDK knows (cdk-nag's AwsSolutions-L1 and
      // Serverless-LambdaLatestVersion check for it); the bundle's syntax targets Node 22, a subset.
      runtime: lambda.Runtime.NODEJS_24_X,
      // The code caches shipped in the asset are checked against it (code-cache-check.ts).
      architecture:
        FUNCTION_ARCHITECTURE === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      ...(options.runtimeVersionArn
        ? { runtimeManagementMode: lambda.RuntimeManagementMode.manual(options.runtimeVersionArn) }
        : {}),
      // Already bundled by `npm run build` (esbuild.config.mjs): deployed as is, no second bundler.
      code: options.code,
      handler: `${options.entry}.handler`,
      memorySize: options.memorySize,
      // Slack waits 3 s for the first answer, whatever the timeout; slow work (paging through
      // versions, UpdateAlias and the card update, Slack's rate-limit retries) runs in the worker.
      // 30 s bounds that work generously while still ending a stuck call long before anyone has
      // given up on the card (and below the 60 s lease of the worker's claims).
      timeout: Duration.seconds(30),
      // DESIGN.md section 6. Configuration is bundled at build time. Secrets stay in Secrets
      // Manager, read once per cold start.
      environment: options.environment,
      role,
      logGroup,
      // Lambda's JSON log format: the bot's own lines are already JSON with a `level` (src/logger.ts),
      // which Lambda keeps as they are and filters by level; its platform lines (the report with the
      // init duration that counts against Slack's 3 seconds) become JSON too. INFO keeps each
      // request's outcome; the level reaches the code as AWS_LAMBDA_LOG_LEVEL.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      // X-Ray: the SDK's recursion-detection middleware passes the trace id on with the handler's
      // asynchronous Invoke, so one trace shows a click's answer and the worker's apply, with the
      // cold starts between them: what REPORT lines cannot join. No tracing code in the bundle
      // (cold start unchanged); the cost is X-Ray's sampled traces, free at chat-ops volumes.
      tracing: lambda.Tracing.ACTIVE,
    });
    new cloudwatch.Alarm(this, `${prefix}ErrorsAlarm`, {
      alarmDescription: `${options.functionName} threw an unhandled error: see its log group ${logGroup.logGroupName}`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return { fn, role, logGroup };
  }

  /** What both functions do: read the managed functions, the table and the Slack secret. */
  private sharedStatements(managedFunctions: string[]): iam.PolicyStatementProps[] {
    const indexArns = Object.values(TABLE_SCHEMA.indexes).map(
      (index) => `${this.table.tableArn}/index/${index.name}`,
    );
    return [
      // No lambda:GetFunction: it adds a presigned link to download the code, which the bot never needs.
      { sid: 'ReadManagedFunctions', actions: LAMBDA_READ_ACTIONS, resources: managedFunctions },
      { sid: 'PutAndGetAuditItems', actions: TABLE_ITEM_ACTIONS, resources: [this.table.tableArn] },
      { sid: 'QueryAuditTable', actions: ['dynamodb:Query'], resources: [this.table.tableArn, ...indexArns] },
      // Not `grantRead`: it adds DescribeSecret, which the bot never calls.
      {
        sid: 'ReadSlackSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.slackSecret.ref],
      },
    ];
  }

  /** One statement per capability, each named by a Sid that the README explains. */
  private grant({ role, logGroup }: BotFunction, statements: iam.PolicyStatementProps[]): void {
    const own = {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    };
    for (const statement of [...statements, own]) role.addToPolicy(new iam.PolicyStatement(statement));
  }

  private functionArn(name: string): string {
    return this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
