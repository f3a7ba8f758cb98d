// The benchmark's table: each figure, its budget and whether it holds.

export type Verdict = 'PASS' | 'MISS' | '';

export interface Row {
  figure: string;
  value: string;
  budget?: string;
  verdict?: Verdict;
}

export const verdict = (holds: boolean): Verdict => (holds ? 'PASS' : 'MISS');

/** A row with a figure only: a heading for the rows after it. */
const isHeading = (row: Row) => row.value === '' && row.budget === undefined;

export function table(title: string, rows: readonly Row[]): string {
  const header: Row = { figure: 'figure', value: 'value', budget: 'budget', verdict: '' };
  const all = [header, ...rows.filter((row) => !isHeading(row))];
  const width = (pick: (row: Row) => string) => Math.max(...all.map((row) => pick(row).length));
  const figureWidth = width((row) => row.figure);
  const valueWidth = width((row) => row.value);
  const budgetWidth = width((row) => row.budget ?? '');
  const line = (row: Row) =>
    `${row.figure.padEnd(figureWidth)}  ${row.value.padEnd(valueWidth)}  ${(row.budget ?? '').padEnd(budgetWidth)}  ${row.verdict ?? ''}`.trimEnd();
  const rule = '-'.repeat(figureWidth + valueWidth + budgetWidth + 10);
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
