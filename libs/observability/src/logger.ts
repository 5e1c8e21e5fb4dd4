import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

/** `json`: one JSON object a line (production, log shippers); `text`: one readable line (demo, a terminal). */
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Nest's levels in pino's names, most severe first (`log` is pino's `info`, `verbose` its `trace`). */
const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Fields that tie one line to the others of the same work across the apps: the reading log entry an MQTT
 * message went into, the rule job that evaluated it, the alert a transition changed. A log call passes them
 * as an object: `logger.log({ msg: 'alert raised', alert, job, entry })`.
 */
export interface LogFields {
  msg?: string;
  [field: string]: unknown;
}

export interface AppLoggerOptions {
  /** The app: `ingest`, `worker`, `gateway`, `jt808`. */
  app: string;
  /** Which process of the app: its stable instance name (`INGEST_INSTANCE`, `WORKER_ID`) or host and pid. */
  instance: string;
  level: LogLevel;
  format: LogFormat;
  /** Where lines go (default standard output). */
  destination?: DestinationStream;
}

/**
 * The apps' logger: Nest's `LoggerService` on pino, so that every line carries the app, the instance, the
 * Nest context (the class that logged) and any fields given, as JSON in production and as one readable line
 * in the demo. Messages are cut to a bounded length: a log line never grows with what a client sent.
 */
export class AppLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(o: AppLoggerOptions) {
    const destination = o.destination ?? pino.destination({ dest: 1, sync: true });
    this.pino = pino(
      {
        level: PINO_LEVEL[o.level],
        base: { app: o.app, instance: o.instance },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        messageKey: 'msg',
      },
      o.format === 'text' ? textStream(destination) : destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?); a stack is kept as a field, never folded into the message.
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    const fields = typeof stack === 'string' && stack.includes('\n') ? { stack } : {};
    this.write('error', message, context === undefined ? [] : [context], fields);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[], extra: object = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest's Logger appends the context (the logging class's name) as the last argument.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const fields: Record<string, unknown> = { ...(context ? { context } : {}), ...extra };
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      fields.err = { name: message.name, stack: message.stack };
    } else if (message !== null && typeof message === 'object') {
      const { msg, ...own } = message as LogFields;
      Object.assign(fields, own);
      text = typeof msg === 'string' ? msg : '';
    } else {
      text = String(message);
    }
    this.pino[level](fields, cut(text));
  }
}

/** The longest message kept whole; the rest is cut and its length said. */
export const MAX_LOG_MESSAGE = 2000;

function cut(text: string): string {
  return text.length <= MAX_LOG_MESSAGE
    ? text
    : `${text.slice(0, MAX_LOG_MESSAGE)}… (${text.length - MAX_LOG_MESSAGE} more characters)`;
}

/** Standard fields of a line, printed in the text format's head rather than as `key=value`. */
const HEAD = new Set(['level', 'time', 'app', 'instance', 'context', 'msg', 'pid', 'hostname']);

/** One JSON line from pino as a readable line: `time LEVEL [app instance] [context] message key=value …`. */
export function formatTextLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
  const level = (str(o.level) || 'info').toUpperCase();
  const context = o.context ? ` [${str(o.context)}]` : '';
  const extras = Object.keys(o)
    .filter((k) => !HEAD.has(k) && k !== 'stack' && k !== 'err')
    .map((k) => `${k}=${str(o[k])}`);
  const stack = typeof o.stack === 'string' ? `\n${o.stack}` : '';
  const err = o.err as { stack?: string } | undefined;
  return (
    `${str(o.time)} ${level.padEnd(5)} [${str(o.app)} ${str(o.instance)}]${context} ${str(o.msg)}` +
    (extras.length > 0 ? ` ${extras.join(' ')}` : '') +
    stack +
    (err?.stack ? `\n${err.stack}` : '') +
    '\n'
  );
}

function textStream(out: DestinationStream): DestinationStream {
  return { write: (line: string) => out.write(formatTextLine(line)) };
}
