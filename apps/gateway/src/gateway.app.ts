import type { Response } from 'express';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { GatewayConfig } from './config';
import { GATEWAY_CONTROLLERS, GatewayModule, prepareGateway } from './gateway.module';
import { expressErrorHandler, HttpErrorFilter } from './http/error.filter';
import { tileOrigins } from './http/map.config';
import { buildOpenApiDocument } from './http/openapi';
import { GatewayRedis } from './infra/redis';
import { clusterOptions } from './live/cluster';
import { LiveIoAdapter } from './live/io.adapter';

/** Largest JSON body accepted. */
export const BODY_LIMIT = '64kb';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: GatewayConfig['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * The dashboard page may load only its own files and talk only to its own origin; images may also come
 * from the map's tile server when one is configured (MAP_TILES_URL).
 */
export function dashboardCsp(tileSources: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data:", ...tileSources].join(' '),
    "connect-src 'self' ws: wss:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Builds the gateway application (not yet listening): REST API with JSON errors, `/live`, the dashboard
 * at `/`, OpenAPI at `/api/docs`. `main.ts` and the integration tests both start it this way.
 */
export async function createGateway(
  config: GatewayConfig,
  logger?: LogLevel[] | false | LoggerService,
): Promise<NestExpressApplication> {
  const startup = await prepareGateway(config);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(startup), {
    abortOnError: false,
    bodyParser: false,
    // Kept beside the parsed body: signed callbacks (SMS delivery receipts) are checked over the bytes sent.
    rawBody: true,
    logger: logger ?? logLevels(config.LOG_LEVEL),
  });
  app.disable('x-powered-by');
  // Only the listed proxies may say who the client is; everyone else is their socket's address.
  app.set('trust proxy', config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // Same-origin requests (the dashboard) need no CORS; other browser origins only when listed.
  app.enableCors({ origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false });
  // Several gateways share their Socket.IO rooms and recovery sessions through Redis.
  const redis = app.get(GatewayRedis);
  app.useWebSocketAdapter(
    new LiveIoAdapter(app, config.CORS_ORIGINS, clusterOptions(redis.socketIoClient(), redis.names)),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  const csp = dashboardCsp(tileOrigins(config));
  app.useStaticAssets(config.GATEWAY_PUBLIC_DIR, {
    index: 'index.html',
    setHeaders: (res: Response) => {
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
    },
  });
  // Generated from the routes' zod schemas (http/openapi.ts); Swagger UI only shows it.
  const document = buildOpenApiDocument(GATEWAY_CONTROLLERS);
  SwaggerModule.setup('api/docs', app, document as unknown as OpenAPIObject, {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  await app.init();
  // After the routes: what fails before Nest's router (a body that is not JSON or too large) answers JSON too.
  app.use(expressErrorHandler);
  return app;
}
