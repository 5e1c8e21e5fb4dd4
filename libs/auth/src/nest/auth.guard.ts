import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal, Role } from '../principal';
import { InvalidTokenError, TokenService } from '../tokens';

const ROLES_KEY = 'lg:roles';

/** Only these roles may call the handler (or every handler of the controller); others get 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

type AuthenticatedRequest = Request & { principal?: Principal };

/** The caller, as the guard verified it. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException('not authenticated');
  return principal;
});

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** HTTP: a valid `Authorization: Bearer <JWT>` is required (401 otherwise), then the role (403). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException('missing bearer token: log in at POST /api/auth/login');
    try {
      request.principal = this.tokens.verify(token).principal;
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new UnauthorizedException(err.message);
      throw err;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`this needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
