/**
 * The status file `npm start`'s supervisor writes (`.run/stack-status.json`, handed to every app as
 * `STACK_STATUS_FILE`) and each app shows on `/ready`: which of the stack's processes run, which died and
 * when they are due back.
 */
export interface SupervisedStatus {
  state: 'up' | 'restarting' | 'stopped';
  pid?: number;
  /** Restarts since the stack started. */
  restarts: number;
  /** When the current state began (ISO-8601). */
  since: string;
  /** The last unexpected exit: its code (-1 for a signal) and when. */
  lastExit?: { code: number | null; at: string };
  /** While restarting: when the next start is due (ISO-8601). */
  nextStartAt?: string;
}

export interface SupervisorStatusFile {
  updatedAt: string;
  processes: Record<string, SupervisedStatus>;
}

/** One line per process other than `self`, for `/ready`. */
export function describeSupervised(status: SupervisorStatusFile, self: string): string {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(status.processes)) {
    if (name === self) continue;
    const exit = s.lastExit ? `, last ${exitText(s.lastExit.code)} at ${s.lastExit.at}` : '';
    if (s.state === 'restarting')
      lines.push(`${name} DOWN since ${s.since}${exit}; restart due at ${s.nextStartAt ?? '?'}`);
    else if (s.state === 'stopped') lines.push(`${name} stopped since ${s.since}`);
    else lines.push(`${name} up${s.restarts > 0 ? ` (restarted ${s.restarts}×${exit})` : ''}`);
  }
  return lines.join('; ');
}

/** An exit code as `ManagedProcess` reports it: -1 stands for a signal (SIGKILL, an out-of-memory kill). */
export function exitText(code: number | null): string {
  return code === -1 ? 'killed by a signal' : `exit code ${code}`;
}
