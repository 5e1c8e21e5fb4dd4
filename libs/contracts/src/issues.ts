import type { z } from 'zod';

/** How `issueText` and `issuesText` write a validation failure; every option keeps its place's old wording. */
export interface IssuesTextOptions {
  /** Names an issue of the whole value (an empty path), e.g. `(root)` or `settings`; default none (''). */
  root?: string;
  /** Between the path and zod's message; default ': ' (a few older messages use ' '). */
  separator?: string;
  /** At most this many issues are named (the rest are left out); default all. */
  max?: number;
  /**
   * Writes an unknown-keys issue as `path: unknown key(s) a, b` (no path at the top) instead of zod's own
   * `Unrecognized key(s) in object: 'a', 'b'`; default false.
   */
  unknownKeys?: boolean;
}

/** One zod issue for people: `path: message`, the path dotted (`track.gapTimeSec`). */
export function issueText(issue: z.ZodIssue, options: IssuesTextOptions = {}): string {
  const { root = '', separator = ': ' } = options;
  if (options.unknownKeys && issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}${separator}` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  }
  return `${issue.path.join('.') || root}${separator}${issue.message}`;
}

/** A failed validation as one line, `path: message; path: message`, for an error message or a 400. */
export function issuesText(error: z.ZodError, options: IssuesTextOptions = {}): string {
  const issues = options.max === undefined ? error.issues : error.issues.slice(0, options.max);
  return issues.map((issue) => issueText(issue, options)).join('; ');
}
