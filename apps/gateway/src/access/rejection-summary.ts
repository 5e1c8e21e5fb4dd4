import { isoPeriod, type RejectReason, type RejectionRecord } from '@lg/contracts';

/** One device's refusals in a summary. */
export interface DeviceRejections {
  owner: string;
  device: string;
  total: number;
  byReason: Partial<Record<RejectReason, number>>;
  /** The newest refusal of the device: what to look at first. */
  last: Pick<RejectionRecord, 'receivedAt' | 'reason' | 'message'>;
}

/** What went wrong in a period: per reason, per device (most refused first) and per owner. */
export interface RejectionSummary {
  from: string;
  to: string;
  total: number;
  byReason: Partial<Record<RejectReason, number>>;
  byOwner: Record<string, number>;
  /** At most `maxDevices`, most refused first. */
  byDevice: DeviceRejections[];
  /** More devices had refusals than are listed. */
  moreDevices: boolean;
}

/**
 * Tallies refusals (each owner's history is capped, so the input is bounded). Records may come in any
 * order; a device's `last` is its newest.
 */
export function summariseRejections(
  records: Iterable<RejectionRecord>,
  from: number,
  to: number,
  maxDevices = 100,
): RejectionSummary {
  const byReason: Partial<Record<RejectReason, number>> = {};
  const byOwner: Record<string, number> = {};
  const devices = new Map<string, DeviceRejections & { newest: string }>();
  let total = 0;
  for (const r of records) {
    total++;
    byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    byOwner[r.owner] = (byOwner[r.owner] ?? 0) + 1;
    const key = `${r.owner}/${r.device}`;
    let d = devices.get(key);
    if (!d) {
      d = {
        owner: r.owner,
        device: r.device,
        total: 0,
        byReason: {},
        last: { receivedAt: r.receivedAt, reason: r.reason, message: r.message },
        newest: r.id,
      };
      devices.set(key, d);
    }
    d.total++;
    d.byReason[r.reason] = (d.byReason[r.reason] ?? 0) + 1;
    if (compareIds(r.id, d.newest) > 0) {
      d.newest = r.id;
      d.last = { receivedAt: r.receivedAt, reason: r.reason, message: r.message };
    }
  }
  const list = [...devices.values()].sort(
    (a, b) => b.total - a.total || a.owner.localeCompare(b.owner) || a.device.localeCompare(b.device),
  );
  return {
    ...isoPeriod(from, to),
    total,
    byReason,
    byOwner,
    byDevice: list.slice(0, maxDevices).map(({ newest: _newest, ...d }) => d),
    moreDevices: list.length > maxDevices,
  };
}

/** Orders Redis stream IDs (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || (as ?? 0) - (bs ?? 0);
}
