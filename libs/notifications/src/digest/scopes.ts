import type { Alert, DutyContact } from '@lg/contracts';
import type { AlertStore } from '@lg/alerts';
import type { Registry } from '@lg/registry';
import { buildDigest, type Digest, type DigestScope } from './digest';
import type { LocalDay } from './days';

/** A digest scope with what it reads and who receives it. */
export interface ResolvedScope {
  scope: DigestScope;
  /** The owners whose alert indexes hold the scope's alerts (a company; a street's slope sites and networks). */
  owners: ReadonlySet<string>;
  /** Street: the devices in its grids (an owner's network may cross streets). Company: every device of it. */
  devices: ReadonlySet<string> | undefined;
  /** The company's or the street's duty contacts. */
  contacts: readonly DutyContact[];
}

export const DIGEST_KINDS = ['company', 'street'] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

/** Most alerts one digest reads (the busiest demo day opens far fewer); beyond it the digest says truncated. */
export const DIGEST_MAX_ALERTS = 20_000;

/** The scope with this ID (`C01`, `ST-BJ`), or undefined. */
export function resolveScope(registry: Registry, id: string): ResolvedScope | undefined {
  const company = registry.company(id);
  if (company)
    return {
      scope: { kind: 'company', id, name: company.name },
      owners: new Set([id]),
      devices: undefined,
      contacts: company.duty,
    };
  const street = registry.data.streets.find((s) => s.id === id);
  if (!street) return undefined;
  const devices = new Set<string>();
  const owners = new Set<string>();
  for (const d of registry.allDevices()) {
    if (d.kind === 'truck') continue;
    if (registry.chainOf(d).some((s) => s.level === 'street' && s.unit.id === id)) {
      devices.add(d.id);
      owners.add(d.owner);
    }
  }
  return { scope: { kind: 'street', id, name: street.name }, owners, devices, contacts: street.duty };
}

/** The names of every scope: companies, then streets, in registry order. */
export function scopeNames(registry: Registry): DigestScope[] {
  return [
    ...registry.allCompanies().map((c) => ({ kind: 'company' as const, id: c.id, name: c.name })),
    ...registry.data.streets.map((s) => ({ kind: 'street' as const, id: s.id, name: s.name })),
  ];
}

/** Every scope of these kinds: companies first, then streets, in registry order. */
export function allScopes(registry: Registry, kinds: readonly DigestKind[]): ResolvedScope[] {
  const ids = [
    ...(kinds.includes('company') ? registry.allCompanies().map((c) => c.id) : []),
    ...(kinds.includes('street') ? registry.data.streets.map((s) => s.id) : []),
  ];
  return ids.map((id) => resolveScope(registry, id)!);
}

function inScope(r: ResolvedScope, a: Alert): boolean {
  return r.owners.has(a.owner) && (r.devices === undefined || r.devices.has(a.device));
}

/**
 * Reads what a digest needs the way the alarm load does, bounded: the alerts the scope's owners opened in
 * the day (their own indexes, newest first, at most {@link DIGEST_MAX_ALERTS}) and their open alerts.
 */
export class DigestReader {
  constructor(private readonly alerts: AlertStore) {}

  async build(r: ResolvedScope, day: LocalDay, now: number): Promise<Digest> {
    if (r.owners.size === 0) return buildDigest({ scope: r.scope, day, opened: [], open: [], now });
    const [opened, open] = await Promise.all([
      this.alerts.list({ owners: r.owners, since: day.from, before: day.to, limit: DIGEST_MAX_ALERTS }),
      this.alerts.open({ owners: r.owners }),
    ]);
    return buildDigest({
      scope: r.scope,
      day,
      opened: opened.filter((a) => inScope(r, a)),
      open: open.filter((a) => inScope(r, a)),
      now,
      truncated: opened.length >= DIGEST_MAX_ALERTS,
    });
  }
}
