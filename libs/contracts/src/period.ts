/**
 * A period's bounds as every view and query shows them: ISO-8601 UTC strings from epoch milliseconds. One
 * definition, spread in where a view's `from` and `to` stand. Browser-safe.
 */
export function isoPeriod(from: number, to: number): { from: string; to: string } {
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
