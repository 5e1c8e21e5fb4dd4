import { NestFactory } from '@nestjs/core';
import { type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { ConfigError } from '@lg/config';

export interface ListenOptions {
  host: string;
  port: number;
  logLevel: LogLevel;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Starts a Nest app the same way for every process: a bad configuration stops it with exit code 1 and a
 * message naming the variables; SIGTERM/SIGINT close it cleanly (queues drained, connections closed).
 */
export async function bootstrapApp(
  name: string,
  module: Parameters<typeof NestFactory.create>[0],
  listen: (app: INestApplication) => ListenOptions,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication | undefined> {
  const logger = new Logger(name);
  try {
    const app = await NestFactory.create(module, { logger: ['fatal', 'error', 'warn', 'log'] });
    const o = listen(app);
    app.useLogger(LEVELS.slice(0, LEVELS.indexOf(o.logLevel) + 1));
    app.enableShutdownHooks();
    await configure?.(app);
    await app.listen(o.port, o.host);
    logger.log(`${name} listening on http://${o.host}:${o.port}`);
    return app;
  } catch (err) {
    const cause = err instanceof ConfigError ? err : findConfigError(err);
    if (cause) logger.error(`${name} cannot start: ${cause.message}`);
    else
      logger.error(
        `${name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    process.exitCode = 1;
    // Leave nothing behind that keeps the process alive.
    setTimeout(() => process.exit(1), 100).unref();
    return undefined;
  }
}

function findConfigError(err: unknown): ConfigError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConfigError) return e;
  }
  return undefined;
}
