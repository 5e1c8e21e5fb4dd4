import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesText } from '@lg/contracts';
import { hashPassword, passwordHashProblem, verifyPassword, type ScryptCost } from './password';
import { ROLES, type Principal } from './principal';

/** A user as kept in `USERS_FILE`: a JSON array of these. */
export interface UserRecord {
  username: string;
  role: (typeof ROLES)[number];
  /** The company (e.g. `C01`) of a `company` user. */
  company?: string;
  /** `scrypt$N$r$p$salt$hash`, as printed by the hash-password tool. */
  passwordHash: string;
}

export class UsersError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsersError';
  }
}

const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

const userSchema = z
  .object({
    username: z.string().regex(USERNAME, 'letters, digits, _ . @ - only, at most 64'),
    role: z.enum(ROLES),
    company: z.string().optional(),
    passwordHash: z.string().superRefine((v, ctx) => {
      const problem = passwordHashProblem(v);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.role === 'company' && !u.company) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['company'],
        message: 'a company user needs its company',
      });
    }
    if (u.role === 'operator' && u.company !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['company'], message: 'an operator has no company' });
    }
  });

const usersFileSchema = z.array(userSchema).min(1, 'at least one user is needed');

/** Validates the users file's content; `companies` are the registry's company IDs. */
export function parseUsers(json: unknown, companies: ReadonlySet<string>): UserRecord[] {
  const result = usersFileSchema.safeParse(json);
  if (!result.success) {
    throw new UsersError(issuesText(result.error, { root: '(root)', max: 5 }));
  }
  const seen = new Set<string>();
  for (const u of result.data) {
    const key = u.username.toLowerCase();
    if (seen.has(key)) throw new UsersError(`user ${u.username} is listed twice`);
    seen.add(key);
    if (u.company !== undefined && !companies.has(u.company)) {
      throw new UsersError(`user ${u.username}: company ${u.company} is not in the registry`);
    }
  }
  return result.data;
}

export function loadUsersFile(path: string, companies: ReadonlySet<string>): UserRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsersError(`cannot read ${path} as JSON: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  try {
    return parseUsers(json, companies);
  } catch (err) {
    if (err instanceof UsersError) throw new UsersError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Demo accounts: `operator`, `chief` (a second operator, the duty chief, who confirms the shelving of a red
 * alert) and `c01`…`c12`, each with the password equal to the name.
 */
export function demoAccounts(companyIds: readonly string[]): Array<Omit<UserRecord, 'passwordHash'>> {
  return [
    { username: 'operator', role: 'operator' },
    { username: 'chief', role: 'operator' },
    ...companyIds.map((company) => ({ username: company.toLowerCase(), role: 'company' as const, company })),
  ];
}

/** Demo passwords are public: a cheap hash keeps start-up fast without pretending to protect them. */
const DEMO_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

export async function demoUsers(companyIds: readonly string[]): Promise<UserRecord[]> {
  return Promise.all(
    demoAccounts(companyIds).map(async (a) => ({
      ...a,
      passwordHash: await hashPassword(a.username, DEMO_COST),
    })),
  );
}

/**
 * Production refuses demo credentials: a demo account name with its demo password, or any account whose
 * password is its own name. Returns one line per problem.
 */
export async function demoCredentialProblems(
  users: readonly UserRecord[],
  companyIds: readonly string[],
): Promise<string[]> {
  const demoNames = new Set(demoAccounts(companyIds).map((a) => a.username));
  const problems: string[] = [];
  for (const u of users) {
    const candidates = new Set([u.username, u.username.toLowerCase()]);
    for (const password of candidates) {
      if (await verifyPassword(password, u.passwordHash)) {
        problems.push(
          demoNames.has(u.username.toLowerCase())
            ? `user ${u.username} is a demo account with its demo password`
            : `user ${u.username} has its own name as password`,
        );
        break;
      }
    }
  }
  return problems;
}

/** The users the gateway accepts, looked up by name (case-insensitive). */
export class UserDirectory {
  private readonly byName = new Map<string, UserRecord>();
  /** Verified against when the name is unknown, so that unknown and known names take the same time. */
  private decoy: Promise<string> | undefined;

  constructor(users: readonly UserRecord[]) {
    for (const u of users) this.byName.set(u.username.toLowerCase(), u);
  }

  get size(): number {
    return this.byName.size;
  }

  /** The principal when the password is right, else null. */
  async authenticate(username: string, password: string): Promise<Principal | null> {
    const user = this.byName.get(username.toLowerCase());
    if (!user) {
      this.decoy ??= hashPassword('decoy-password');
      await verifyPassword(password, await this.decoy);
      return null;
    }
    if (!(await verifyPassword(password, user.passwordHash))) return null;
    return toPrincipal(user);
  }
}

export function toPrincipal(user: UserRecord): Principal {
  if (user.role === 'company') {
    if (!user.company) throw new UsersError(`user ${user.username} has no company`);
    return { username: user.username, role: 'company', company: user.company };
  }
  return { username: user.username, role: 'operator' };
}
