import { NestFactory } from '@nestjs/core';
import { type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { ConfigError } from '@lg/config';

export interface AppSettings {
  HTTP_HOST: string;
  HTTP_PORT: number;
  LOG_LEVEL: LogLevel;
}

const OWN_ERRORS = new Set([
  'RegistryError',
  'ConfigError',
  'InfluxWriteError',
  'InfluxQueryError',
  'RuleConfigError',
]);

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Starts a Nest app the same way for every process. The configuration is loaded and validated before
 * Nest starts, so a bad one stops the process with exit code 1 and one message naming the variables;
 * SIGTERM/SIGINT close it cleanly (queues drained, connections closed).
 */
export async function bootstrapApp<C extends AppSettings>(
  name: string,
  load: () => C,
  module: (config: C) => Parameters<typeof NestFactory.create>[0],
): Promise<INestApplication | undefined> {
  const logger = new Logger(name);
  let config: C;
  try {
    config = load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.error(`${name} cannot start: ${err.message}`);
    process.exitCode = 1;
    return undefined;
  }
  try {
    const app = await NestFactory.create(module(config), {
      logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
      abortOnError: false,
    });
    app.enableShutdownHooks();
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
    logger.log(`${name} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`);
    return app;
  } catch (err) {
    // Our own start-up errors (a bad registry file, a dependency refusing) say what to fix: no stack.
    const ours = err instanceof Error && OWN_ERRORS.has(err.name);
    const text =
      err instanceof Error
        ? ours
          ? `${err.name}: ${err.message}`
          : (err.stack ?? err.message)
        : String(err);
    logger.error(`${name} failed to start: ${text}`);
    process.exitCode = 1;
    // Connections opened before the failure must not keep the process alive.
    setTimeout(() => process.exit(1), 2000).unref();
    return undefined;
  }
}
