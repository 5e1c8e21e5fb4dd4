import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@lg/config';
import { installAppLogger } from '@lg/observability';
import { gatewayConfig } from './config';
import { createGateway } from './gateway.app';

async function main(): Promise<void> {
  const logger = new Logger('gateway');
  try {
    const config = gatewayConfig();
    const app = await createGateway(config, installAppLogger('gateway', config));
    app.enableShutdownHooks();
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
    logger.log(`gateway (${config.LG_MODE}) listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`);
  } catch (err) {
    let cause: unknown = err;
    while (cause && !(cause instanceof ConfigError) && cause instanceof Error && cause.cause)
      cause = cause.cause;
    if (cause instanceof ConfigError) logger.error(`gateway cannot start: ${cause.message}`);
    else
      logger.error(
        `gateway failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    // Exit now: connections opened before the failure must not keep the process alive.
    process.exit(1);
  }
}

void main();
