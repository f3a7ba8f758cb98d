// The one stack of lambda-chatops: the audit table, the Slack secret, the bot's function behind a
// Function URL, and an IAM role that can do exactly what the bot does to exactly the functions
// chatops.config.yml lists (DESIGN.md sections 4, 6 and 10).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../src/adapters/table-schema';
import type { ChatopsConfig } from '../../src/domain/model';
import { managedFunctionResources } from './function-arns';

/** `npm run build` writes the handler here; the stack deploys this directory as it is. */
export const DEFAULT_HANDLER_ASSET_DIR = fileURLToPath(new URL('../../dist', import.meta.url));
export const DEFAULT_FUNCTION_NAME = 'lambda-chatops';
/** The file and export that `npm run build` produces: `dist/handler.mjs`, `export const handler`. */
const HANDLER = 'handler.handler';

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
  /** The Lambda function's name, also used in its own IAM policy. Default `lambda-chatops`. */
  functionName?: string;
  /** The build output deployed as the function's code. Default `<repo>/dist`. */
  handlerAssetDir?: string;
}

export class ChatopsStack extends Stack {
  readonly table: dynamodb.Table;
  readonly slackSecret: secretsmanager.CfnSecret;
  readonly handler: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: ChatopsStackProps) {
    super(scope, id, props);
    const functionName = props.functionName ?? DEFAULT_FUNCTION_NAME;
    const assetDir = resolve(props.handlerAssetDir ?? DEFAULT_HANDLER_ASSET_DIR);
    if (!existsSync(join(assetDir, 'handler.mjs'))) {
      throw new Error(`${join(assetDir, 'handler.mjs')} does not exist: run \`npm run build\` first`);
    }

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

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      // The audit trail lives in the table; a retained log group with this fixed name would make
      // the next deployment after `cdk destroy` fail.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the default one: AWSLambdaBasicExecutionRole may create and write
    // any log group in the account; this one writes to its own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: read and promote the functions of chatops.config.yml, write the audit table`,
    });

    this.handler = new lambda.Function(this, 'Handler', {
      functionName,
      description:
        'lambda-chatops: promote and roll back Lambda aliases from Slack, with approvals and an audit trail',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // Already bundled by `npm run build` (esbuild.config.mjs): deployed as is, no second bundler.
      code: lambda.Code.fromAsset(assetDir),
      handler: HANDLER,
      // Memory buys CPU, and cold start is CPU-bound (loading the bundle, the SDK clients, TLS to
      // Secrets Manager) while counting against Slack's 3 seconds. 1769 MB is one full vCPU; Node
      // runs our code on one thread, so more memory would buy nothing. At chat-ops volumes (a few
      // hundred short invocations a day) the cost stays in cents.
      memorySize: 1769,
      // Slack waits 3 s for the first answer, whatever the timeout; slow work (paging through
      // versions, UpdateAlias and the card update, Slack's rate-limit retries) runs in an
      // asynchronous invocation of this same function. 30 s bounds that work generously while
      // still ending a stuck call long before anyone has given up on the card.
      timeout: Duration.seconds(30),
      // DESIGN.md section 6. Configuration is bundled at build time; Lambda sets
      // AWS_LAMBDA_FUNCTION_NAME itself. Secrets stay in Secrets Manager, read once per cold start.
      environment: {
        SLACK_SECRET_ARN: this.slackSecret.ref,
        AUDIT_TABLE_NAME: this.table.tableName,
      },
      role,
      logGroup,
    });

    // Slack signs every request and the handler verifies the signature and its timestamp, so the
    // URL itself needs no AWS authentication (Slack cannot sign with SigV4).
    this.functionUrl = this.handler.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    this.grantLeastPrivilege(role, props.config, functionName, logGroup);

    new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${functionName} threw an unhandled error: see its log group ${logGroup.logGroupName}`,
      metric: this.handler.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
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
  }

  /** One statement per capability, each named by a Sid that the README explains. */
  private grantLeastPrivilege(
    role: iam.Role,
    config: ChatopsConfig,
    functionName: string,
    logGroup: logs.LogGroup,
  ): void {
    const managedFunctions = managedFunctionResources(this, config);
    // The function's own ARN from its name, not `grantInvoke`: a policy that references the
    // function it is attached to would be a circular dependency.
    const ownArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const indexArns = Object.values(TABLE_SCHEMA.indexes).map(
      (index) => `${this.table.tableArn}/index/${index.name}`,
    );
    const statements = [
      // No lambda:GetFunction: it adds a presigned link to download the code, which the bot never needs.
      { sid: 'ReadManagedFunctions', actions: LAMBDA_READ_ACTIONS, resources: managedFunctions },
      { sid: 'PromoteManagedFunctionAliases', actions: ['lambda:UpdateAlias'], resources: managedFunctions },
      { sid: 'InvokeSelfForSlowWork', actions: ['lambda:InvokeFunction'], resources: [ownArn] },
      { sid: 'PutAndGetAuditItems', actions: TABLE_ITEM_ACTIONS, resources: [this.table.tableArn] },
      { sid: 'QueryAuditTable', actions: ['dynamodb:Query'], resources: [this.table.tableArn, ...indexArns] },
      // Not `grantRead`: it adds DescribeSecret, which the bot never calls.
      {
        sid: 'ReadSlackSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.slackSecret.ref],
      },
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      },
    ];
    for (const statement of statements) role.addToPolicy(new iam.PolicyStatement(statement));
  }
}
