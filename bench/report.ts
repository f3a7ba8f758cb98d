// The benchmark's tables: each figure, its values (one column per Node version), its budget and
// whether it holds.

export type Verdict = 'PASS' | 'MISS' | '';

export interface Row {
  figure: string;
  /** One per column of the table; none for a heading. */
  values: string[];
  budget?: string;
  verdict?: Verdict;
}

export const verdict = (holds: boolean): Verdict => (holds ? 'PASS' : 'MISS');

/** A row with a figure only: a heading for the rows after it. */
export const heading = (title: string): Row => ({ figure: title, values: [] });
const isHeading = (row: Row) => row.values.length === 0 && row.budget === undefined;

export function table(title: string, columns: string[], rows: readonly Row[]): string {
  const header: Row = { figure: 'figure', values: columns, budget: 'budget', verdict: '' };
  const all = [header, ...rows.filter((row) => !isHeading(row))];
  const figureWidth = Math.max(...all.map((row) => row.figure.length));
  const valueWidths = columns.map((_, i) => Math.max(...all.map((row) => (row.values[i] ?? '').length)));
  const budgetWidth = Math.max(...all.map((row) => (row.budget ?? '').length));
  const line = (row: Row) =>
    [
      row.figure.padEnd(figureWidth),
      ...valueWidths.map((width, i) => (row.values[i] ?? '').padEnd(width)),
      (row.budget ?? '').padEnd(budgetWidth),
      row.verdict ?? '',
    ]
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(figureWidth + valueWidths.reduce((a, b) => a + b + 2, 0) + budgetWidth + 10);
  return [
    title,
    rule,
    line(header),
    rule,
    ...rows.map((row) => (isHeading(row) ? row.figure : line(row))),
    rule,
  ].join('\n');
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (value: number): string => `${value.toFixed(1)} ms`;
