// MetricsReader over CloudWatch (DESIGN.md section 3a), in the worker only: a version's own
// Invocations and Errors through one alias (namespace AWS/Lambda, dimensions FunctionName,
// Resource = `<function>:<alias>`, ExecutedVersion), summed over the step's window, and the state
// of the guard's alarms. Lambda publishes no zero data points: a period without data adds nothing.
// A function in another account is judged in that account and region (its reader role), where
// its metrics and alarms are.
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { VersionMetrics } from '../domain/health';
import type { MetricsReader } from '../ports';
import type { ClientSource } from './lambda-clients';

/** DescribeAlarms takes at most 100 names per call. */
const ALARM_NAMES_PER_CALL = 100;

export class CloudWatchMetricsReader implements MetricsReader {
  private readonly clientFor: ClientSource<CloudWatchClient>;

  constructor(clients: ClientSource<CloudWatchClient> | CloudWatchClient = new CloudWatchClient({})) {
    this.clientFor = typeof clients === 'function' ? clients : async () => clients;
  }

  async versionMetrics(query: Parameters<MetricsReader['versionMetrics']>[0]): Promise<VersionMetrics> {
    const name = lambdaFunctionName(query.functionName);
    const dimensions = [
      { Name: 'FunctionName', Value: name },
      { Name: 'Resource', Value: `${name}:${query.alias}` },
      { Name: 'ExecutedVersion', Value: query.version },
    ];
    const metric = (id: string, metricName: string): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: dimensions },
        Period: query.window.periodSeconds,
        Stat: 'Sum',
      },
      ReturnData: true,
    });
    const sums: Record<string, number> = { invocations: 0, errors: 0 };
    const client = await this.clientFor(query.functionName);
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: [metric('invocations', 'Invocations'), metric('errors', 'Errors')],
          StartTime: query.window.start,
          EndTime: query.window.end,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (result.Id === undefined || !(result.Id in sums)) continue;
        sums[result.Id] =
          (sums[result.Id] ?? 0) + (result.Values ?? []).reduce((total, value) => total + value, 0);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { invocations: sums.invocations ?? 0, errors: sums.errors ?? 0 };
  }

  async alarmsInAlarm(names: string[], functionName: string): Promise<string[]> {
    const inAlarm: string[] = [];
    const client = await this.clientFor(functionName);
    for (let start = 0; start < names.length; start += ALARM_NAMES_PER_CALL) {
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new DescribeAlarmsCommand({
            AlarmNames: names.slice(start, start + ALARM_NAMES_PER_CALL),
            StateValue: 'ALARM',
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (alarm.AlarmName) inAlarm.push(alarm.AlarmName);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return inAlarm;
  }
}

/** The FunctionName dimension is the function's name, also when the configuration gives an ARN. */
export function lambdaFunctionName(functionName: string): string {
  return functionName.startsWith('arn:') ? (functionName.split(':')[6] ?? functionName) : functionName;
}
