import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { type INestApplication, Logger, type LogLevel, type Provider } from '@nestjs/common';
import { ConfigError } from '@lg/config';
import { backgroundAppModule } from './health.module';
import { AppLogger, type LogFormat } from './logger';

export interface AppSettings {
  HTTP_HOST: string;
  HTTP_PORT: number;
  LOG_LEVEL: LogLevel;
  LOG_FORMAT?: LogFormat;
  LG_MODE: 'demo' | 'production';
}

const OWN_ERRORS = new Set([
  'RegistryError',
  'ConfigError',
  'InfluxWriteError',
  'InfluxQueryError',
  'RuleConfigError',
]);

/**
 * Makes every Logger of the process write through pino (`AppLogger`): app, instance and context on each
 * line, JSON in production and readable text in the demo unless `LOG_FORMAT` says otherwise.
 */
export function installAppLogger(
  app: string,
  config: Pick<AppSettings, 'LOG_LEVEL' | 'LOG_FORMAT' | 'LG_MODE'>,
  instance = `${hostname()}-${process.pid}`,
): AppLogger {
  const logger = new AppLogger({
    app,
    instance,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT ?? (config.LG_MODE === 'production' ? 'json' : 'text'),
  });
  Logger.overrideLogger(logger);
  return logger;
}

/** What a background app brings to `bootstrapApp`. */
export interface BackgroundAppParts<C> {
  /** The injection token its configuration is provided under. */
  token: symbol;
  /** Its own providers (its runtime and what that injects), built once the configuration is valid. */
  providers: (config: C) => Provider[];
  /** The process's stable name in its logs (default: host and pid). */
  instance?: (config: C) => string;
}

/**
 * Starts a background app (ingest, worker, JT/T 808) the same way for every process: its module is
 * `backgroundAppModule` with the app's parts. The configuration is loaded and validated before Nest starts,
 * so a bad one stops the process with exit code 1 and one message naming the variables; SIGTERM/SIGINT
 * close it cleanly (queues drained, connections closed).
 */
export async function bootstrapApp<C extends AppSettings & { STACK_STATUS_FILE?: string }>(
  name: string,
  load: () => C,
  parts: BackgroundAppParts<C>,
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
  const appLogger = installAppLogger(name, config, parts.instance?.(config));
  try {
    const module = backgroundAppModule(name, { token: parts.token, value: config }, parts.providers(config));
    const app = await NestFactory.create(module, { logger: appLogger, abortOnError: false });
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
