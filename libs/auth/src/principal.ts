import type { DeviceKind } from '@lg/contracts';

export const ROLES = ['operator', 'company'] as const;
/**
 * `operator`: the command centre, sees everything. `company`: one transport company, sees only its own
 * trucks, their readings and alerts.
 */
export type Role = (typeof ROLES)[number];

/** Who made a request, as carried in the token. */
export type Principal =
  { username: string; role: 'operator' } | { username: string; role: 'company'; company: string };

/** What a tenant rule needs to know about a device, an alert or a position. */
export interface Subject {
  kind: DeviceKind;
  owner: string;
}

/** Operators see every device; a company only its own trucks (slopes and gas networks are not theirs). */
export function canSee(principal: Principal, subject: Subject): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'company':
      return subject.kind === 'truck' && subject.owner === principal.company;
  }
}

export const OPERATOR_ROOM = 'operator';

export function companyRoom(company: string): string {
  return `company:${company}`;
}

/** The one Socket.IO room a user's connections join. */
export function roomOf(principal: Principal): string {
  return principal.role === 'operator' ? OPERATOR_ROOM : companyRoom(principal.company);
}

/** Every room that may receive an event about this subject: operators always, a company for its trucks. */
export function roomsFor(subject: Subject): string[] {
  return subject.kind === 'truck' ? [OPERATOR_ROOM, companyRoom(subject.owner)] : [OPERATOR_ROOM];
}
