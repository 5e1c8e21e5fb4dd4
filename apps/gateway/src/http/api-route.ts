import { SetMetadata } from '@nestjs/common';
import type { ZodTypeAny } from 'zod';

/** Error answers a route may give, each with what it means there (the body is always `Error`). */
export type ApiErrors = Partial<Record<400 | 401 | 403 | 404 | 409 | 429 | 503 | 504, string>>;

/**
 * What the OpenAPI document says of one route. The request's schemas are those the handler validates with
 * (`@ZodParam`, `@ZodQuery`, `@ZodBody` of zod.pipe.ts), read from its parameters: they are not repeated
 * here. The answer's is one of contract/responses.ts. See docs/contract.md, "Adding a route".
 */
export interface RouteContract {
  summary: string;
  description?: string;
  /** A path parameter the handler reads without `@ZodParam`, by name: its schema for the document only. */
  params?: Record<string, ZodTypeAny>;
  /** A body the handler checks itself (in a service, or after a signature), not with `@ZodBody`: its schema for the document only. */
  body?: ZodTypeAny;
  /** The success answer (200, or the route's @HttpCode): its JSON schema, or a description (and content types) for anything else. */
  ok: ZodTypeAny | { description: string; contentTypes?: string[] };
  errors?: ApiErrors;
  /** Overrides the group's `public` for this route (e.g. a token-only route among public ones). */
  public?: boolean;
}

/** What all routes of a controller share: the document's tag and, unless public, the bearer token. */
export interface GroupContract {
  tag: string;
  /** Answered without a token (every route asks for one otherwise, and may answer 401). */
  public?: boolean;
  errors?: ApiErrors;
}

export const API_ROUTE = 'lg:api-route';
export const API_GROUP = 'lg:api-group';

/** Describes a route for the OpenAPI document; a route without one fails the document's test. */
export const ApiRoute = (contract: RouteContract) => SetMetadata(API_ROUTE, contract);

/** Describes a controller's routes' shared part (tag, authentication, common errors). */
export const ApiGroup = (contract: GroupContract) => SetMetadata(API_GROUP, contract);
