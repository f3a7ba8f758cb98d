// The medians of several `npm run bench` runs, as Markdown for the README: each run's
// bench/results.json copied aside, then
//
//   npx tsx bench/summarize-runs.ts run1.json run2.json run3.json
//
// Every figure is the median over the runs of that run's own figure (itself a median of its
// interleaved rounds, or a percentile of its requests).
import { readFileSync } from 'node:fs';
import { median } from './stats';

interface ColdFigures {
  medianMs: number;
  medianCpuMs: number;
  medianImportMs: number;
  ratioToNode: number;
  ratioToReference: number;
  cpuRatioToNode: number;
  cpuRatioToReference: number;
}

interface Results {
  runtimes: { label: string; version: string }[];
  bundle: {
    functions: Record<string, { coldStartBytes: number; gzipBytes: number }>;
    chunks: Record<string, number>;
  };
  variants: { name: string; label: string; coldStartBytes: number }[];
  coldStart: {
    rounds: number;
    runtimes: {
      label: string;
      nodeNoopMs: number;
      nodeNoopCpuMs: number;
      reference: { medianMs: number; medianCpuMs: number; ratioToNode: number };
      bundles: Record<string, ColdFigures>;
    }[];
  };
  warm: Record<
    string,
    { latency: Record<string, { p50: number; p99: number; cpu: { p50: number; p99: number } }> }
  >;
  roundTrips: {
    commands: Record<string, { roundTrips: number; medianMs: number; chain: string; budget?: number }>;
  };
  threeSecondRule: { slowest: { command: string; responseMs: number } };
}

const runs = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, 'utf8')) as Results);
if (runs.length === 0) throw new Error('usage: summarize-runs.ts <results.json>...');
const first = runs[0] as Results;
const m = (pick: (run: Results) => number | undefined) =>
  median(runs.map(pick).filter((value): value is number => value !== undefined && Number.isFinite(value)));
const f1 = (value: number) => value.toFixed(1);
const f2 = (value: number) => value.toFixed(2);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const runtimeKeys = first.runtimes.map((runtime) => `node${runtime.version.split('.')[0]}`);
const columns = first.runtimes.map((runtime) => `${runtime.label} (${runtime.version})`);
const lines: string[] = [];
const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);

lines.push(
  `Medians of ${runs.length} runs of \`npm run bench\`, ${first.coldStart.rounds} interleaved cold rounds each.`,
  '',
);
row(['figure', ...columns, 'budget']);
row(['---', ...columns.map(() => '---'), '---']);
const handler = (run: Results) => run.bundle.functions.handler?.coldStartBytes;
/** The other Node versions' cells of a figure measured once (the bundle, the 3-second rule). */
const others = () => columns.slice(1).map(() => '');
row(['Slack-facing function, loaded at cold start', kb(m(handler)), ...others(), '≤ 450 KB']);
row([
  'worker, loaded at cold start',
  kb(m((run) => run.bundle.functions.worker?.coldStartBytes)),
  ...others(),
  '—',
]);
const cold = (r: number, name: string) => (run: Results) => run.coldStart.runtimes[r]?.bundles[name];
const both = (cell: (r: number) => string) => first.runtimes.map((_, r) => cell(r));
row(['`node -e 0`', ...both((r) => `${f1(m((run) => run.coldStart.runtimes[r]?.nodeNoopMs))} ms`), '']);
row([
  'Bolt hello world',
  ...both(
    (r) =>
      `${f1(m((run) => run.coldStart.runtimes[r]?.reference.medianMs))} ms = ${f2(m((run) => run.coldStart.runtimes[r]?.reference.ratioToNode))} × node`,
  ),
  '',
]);
row([
  'lambda-chatops cold start (with its code cache)',
  ...both((r) => `${f1(m((run) => cold(r, 'all')(run)?.medianMs))} ms`),
  '',
]);
row([
  '… × `node -e 0`',
  ...both((r) => `${f2(m((run) => cold(r, 'all')(run)?.ratioToNode))} ×`),
  '≤ 2.8 × (1st column)',
]);
row([
  '… × Bolt hello world',
  ...both((r) => `${f2(m((run) => cold(r, 'all')(run)?.ratioToReference))} ×`),
  '≤ 0.70 × (1st column)',
]);
row([
  '… in CPU time: × `node -e 0`, × hello world',
  ...both(
    (r) =>
      `${f2(m((run) => cold(r, 'all')(run)?.cpuRatioToNode))} ×, ${f2(m((run) => cold(r, 'all')(run)?.cpuRatioToReference))} ×`,
  ),
  '',
]);
row([
  'without a code cache (missing or rejected): × node, × hello',
  ...both(
    (r) =>
      `${f2(m((run) => cold(r, 'all-no-cache')(run)?.ratioToNode))} ×, ${f2(m((run) => cold(r, 'all-no-cache')(run)?.ratioToReference))} ×`,
  ),
  '',
]);
for (const command of ['status', 'promote', 'approveClick', 'rollback', 'cancel', 'versions', 'list']) {
  const warm = (key: string | undefined) => (run: Results) => run.warm[key ?? '']?.latency[command];
  row([
    `warm ${command}: p50 / p99; main-thread CPU p50 / p99`,
    ...runtimeKeys.map(
      (key) =>
        `${f1(m((run) => warm(key)(run)?.p50))} / ${f1(m((run) => warm(key)(run)?.p99))} ms; ` +
        `CPU ${f1(m((run) => warm(key)(run)?.cpu.p50))} / ${f1(m((run) => warm(key)(run)?.cpu.p99))} ms`,
    ),
    ['status', 'promote', 'approveClick', 'rollback'].includes(command) ? 'CPU p99 ≤ 8 ms (1st column)' : '',
  ]);
}
row([
  'slowest answer, cold, 80 ms per AWS call, 150 ms per Slack call',
  `${f1(m((run) => run.threeSecondRule.slowest.responseMs))} ms (${first.threeSecondRule.slowest.command})`,
  ...others(),
  '< 3 s',
]);

lines.push(
  '',
  'Round trips in a row to the HTTP answer (warm, the stack’s Node, 80 ms per AWS call, 150 ms per Slack call):',
  '',
);
row(['command', 'in a row', 'answer', 'the chain', 'budget']);
row(['---', '---', '---', '---', '---']);
for (const [command, figures] of Object.entries(first.roundTrips.commands)) {
  row([
    command,
    String(m((run) => run.roundTrips.commands[command]?.roundTrips)),
    `${f1(m((run) => run.roundTrips.commands[command]?.medianMs))} ms`,
    figures.chain,
    figures.budget === undefined ? '' : `≤ ${figures.budget}`,
  ]);
}

lines.push('', 'Cold-start techniques A/B (in brackets: against "none", the same build without any):', '');
row(['variant', 'loads', ...columns]);
row(['---', '---', ...columns.map(() => '---')]);
for (const variant of first.variants) {
  row([
    `${variant.name}: ${variant.label}`,
    kb(variant.coldStartBytes),
    ...both((r) => {
      const figures = cold(r, variant.name);
      const delta = m((run) => {
        const mine = figures(run)?.medianMs;
        const none = cold(r, 'none')(run)?.medianMs;
        return mine === undefined || none === undefined ? undefined : mine - none;
      });
      const cpuDelta = m((run) => {
        const mine = figures(run)?.medianCpuMs;
        const none = cold(r, 'none')(run)?.medianCpuMs;
        return mine === undefined || none === undefined ? undefined : mine - none;
      });
      return (
        `${f1(m((run) => figures(run)?.medianMs))} ms (${delta >= 0 ? '+' : ''}${f1(delta)}), ` +
        `CPU ${f1(m((run) => figures(run)?.medianCpuMs))} ms (${cpuDelta >= 0 ? '+' : ''}${f1(cpuDelta)}); ` +
        `${f2(m((run) => figures(run)?.ratioToNode))} × node, ${f2(m((run) => figures(run)?.ratioToReference))} × hello`
      );
    }),
  ]);
}
console.log(lines.join('\n'));
