import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '@lg/auth';

/** 403 with `refusal` (what is for operators only) unless the user is one of the command centre's operators. */
export function requireOperator(principal: Principal, refusal: string): void {
  if (principal.role !== 'operator') throw new ForbiddenException(refusal);
}
