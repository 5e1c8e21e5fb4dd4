import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@lg/auth';
import { ApiGroup, type GroupContract } from './api-route';

/**
 * A REST API controller at `path`, described by `group` (`@ApiGroup`), whose routes all take the bearer
 * token (AuthGuard) unless the group is public: what the document says of authentication is what is enforced.
 */
export const ApiController = (path: string, group: GroupContract): ClassDecorator =>
  applyDecorators(...(group.public ? [] : [UseGuards(AuthGuard)]), ApiGroup(group), Controller(path));
