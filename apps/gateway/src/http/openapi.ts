import { OpenApiGeneratorV3, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common/enums/request-method.enum';
import { z, type AnyZodObject, type ZodTypeAny } from 'zod';
import { errorSchema } from '../contract/responses';
import { API_GROUP, API_ROUTE, type ApiErrors, type GroupContract, type RouteContract } from './api-route';
import { ParamPipe, ZodPipe } from './zod.pipe';

/** What a route's parameter decorators validate (`@ZodParam`, `@ZodQuery`, `@ZodBody`), by their schemas. */
export interface ValidatedRequest {
  /** Each path parameter's schema, by name, in the handler's order. */
  params: Record<string, ZodTypeAny>;
  query?: ZodTypeAny;
  body?: ZodTypeAny;
}

/** One route of a controller as Nest routes it. */
export interface ControllerRoute {
  method: string;
  /** OpenAPI style: `/api/alerts/{id}`. */
  path: string;
  /** The status of a success, as Nest answers it (`@HttpCode`, else 201 for POST and 200 otherwise). */
  status: number;
  contract: RouteContract | undefined;
  group: GroupContract | undefined;
  validated: ValidatedRequest;
}

const METHODS: Partial<Record<RequestMethod, RouteConfig['method']>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
};

/** Every route of the controllers, with what its decorators say of it for the document. */
export function controllerRoutes(controllers: readonly Type[]): ControllerRoute[] {
  const routes: ControllerRoute[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const group = Reflect.getMetadata(API_GROUP, controller) as GroupContract | undefined;
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const own = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const path = `/${[base, own].filter((p) => p && p !== '/').join('/')}`
        .replace(/\/+/g, '/')
        .replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
      routes.push({
        method: METHODS[method] ?? RequestMethod[method].toLowerCase(),
        path,
        status: code ?? (method === RequestMethod.POST ? 201 : 200),
        contract: Reflect.getMetadata(API_ROUTE, handler) as RouteContract | undefined,
        group,
        validated: validatedRequest(controller, name),
      });
    }
  }
  return routes;
}

/** The schemas of the zod pipes on a handler's parameters, as Nest keeps them for routing. */
function validatedRequest(controller: Type, handler: string): ValidatedRequest {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    { index: number; pipes?: unknown[] }
  >;
  const request: ValidatedRequest = { params: {} };
  for (const { pipes } of Object.values(args).sort((a, b) => a.index - b.index))
    for (const pipe of pipes ?? []) {
      if (pipe instanceof ParamPipe) request.params[pipe.name] = (pipe as ParamPipe<ZodTypeAny>).schema;
      else if (pipe instanceof ZodPipe && (pipe.what === 'query' || pipe.what === 'body'))
        request[pipe.what] = (pipe as ZodPipe<ZodTypeAny>).schema;
    }
  return request;
}

const REASONS: Record<keyof ApiErrors, string> = {
  400: 'A bad parameter or body, named in the message',
  401: 'No, bad or expired token',
  403: 'Not allowed for this user',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many requests; `Retry-After` says when to try again',
  503: 'Too much of this work at once; `Retry-After` says when to try again',
  504: 'Timed out',
};

/** A query schema's object, without the refinements and transforms around it. */
function objectOf(schema: ZodTypeAny): AnyZodObject {
  let s: ZodTypeAny = schema;
  while (s instanceof z.ZodEffects) s = s.innerType() as ZodTypeAny;
  if (!(s instanceof z.ZodObject)) throw new Error('a query schema must be an object schema');
  return s as AnyZodObject;
}

/**
 * The gateway's OpenAPI 3 document, generated from the routes' zod schemas (`@ApiRoute`, `@ApiGroup`). A
 * route without `@ApiRoute` is left out of the document, and the document's test fails on it.
 */
export function buildOpenApiDocument(
  controllers: readonly Type[],
): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const route of controllerRoutes(controllers)) {
    const c = route.contract;
    if (!c) continue;
    const g = route.group;
    const { query, body } = route.validated;
    const params = { ...c.params, ...route.validated.params };
    const isPublic = c.public ?? g?.public ?? false;
    const errors: ApiErrors = { ...(isPublic ? {} : { 401: REASONS[401] }), ...g?.errors, ...c.errors };
    const responses: RouteConfig['responses'] = {
      [route.status]:
        'description' in c.ok && !(c.ok instanceof z.ZodType)
          ? {
              description: c.ok.description,
              ...(c.ok.contentTypes
                ? {
                    content: Object.fromEntries(
                      c.ok.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
                    ),
                  }
                : {}),
            }
          : { description: 'OK', content: { 'application/json': { schema: c.ok } } },
    };
    for (const [status, description] of Object.entries(errors))
      responses[status] = {
        description: description || REASONS[Number(status) as keyof ApiErrors],
        content: { 'application/json': { schema: errorSchema } },
      };
    registry.registerPath({
      method: route.method as RouteConfig['method'],
      path: route.path,
      tags: g ? [g.tag] : undefined,
      summary: c.summary,
      description: c.description,
      security: isPublic ? undefined : [{ [bearer.name]: [] }],
      request: {
        query: query ? objectOf(query) : undefined,
        params: Object.keys(params).length ? z.object(params) : undefined,
        // ZodPipe reads a body left out as `{}`: it may be left out where its schema takes `{}`.
        body: body
          ? { required: !body.safeParse({}).success, content: { 'application/json': { schema: body } } }
          : c.body
            ? { required: true, content: { 'application/json': { schema: c.body } } }
            : undefined,
      },
      responses,
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Longgang public-safety monitoring — gateway API',
      version: '1',
      description:
        'Contract v1. Log in at POST /api/auth/login, then send `Authorization: Bearer <token>`. Errors are ' +
        '`{statusCode, error, message}`. Live events: Socket.IO namespace `/live` with `auth: {token}`.',
    },
  });
}
