import { Injectable } from '@nestjs/common';
import {
  REJECT_REASONS,
  REJECTION_HISTORY_MAX_COUNT,
  rejectionHistoryKey,
  type RejectReason,
  type RejectionRecord,
} from '@lg/contracts';
import { GatewayRedis } from './redis';

export interface RejectionFilter {
  device?: string;
  reason?: RejectReason;
}

/** Entries read per XREVRANGE. */
const PAGE = 500;
/**
 * Most entries one owner's read looks at: the history's cap (approximate trimming may keep up to one
 * stream node, 100 entries, more).
 */
const SCAN_MAX = REJECTION_HISTORY_MAX_COUNT + 200;

/**
 * Reads the owners' histories of refused messages that ingest keeps (capped Redis streams, one per owner).
 * Each read is bounded by the history's cap, whatever the filter.
 */
@Injectable()
export class RejectionHistory {
  constructor(private readonly redis: GatewayRedis) {}

  /** Newest first, at most `limit` matching `filter`, received in [from, to). */
  async newest(
    owner: string,
    from: number,
    to: number,
    filter: RejectionFilter,
    limit: number,
  ): Promise<{ records: RejectionRecord[]; more: boolean }> {
    const out: RejectionRecord[] = [];
    let more = false;
    await this.scan(owner, from, to, (r) => {
      if (filter.device !== undefined && r.device !== filter.device) return true;
      if (filter.reason !== undefined && r.reason !== filter.reason) return true;
      if (out.length === limit) {
        more = true;
        return false;
      }
      out.push(r);
      return true;
    });
    return { records: out, more };
  }

  /** Every kept refusal of the owner received in [from, to), newest first. */
  async all(owner: string, from: number, to: number): Promise<RejectionRecord[]> {
    const out: RejectionRecord[] = [];
    await this.scan(owner, from, to, (r) => {
      out.push(r);
      return true;
    });
    return out;
  }

  /** Walks the owner's history backwards from `to`; `visit` returns false to stop. */
  private async scan(
    owner: string,
    from: number,
    to: number,
    visit: (r: RejectionRecord) => boolean,
  ): Promise<void> {
    const key = rejectionHistoryKey(this.redis.names.prefix, owner);
    let end = `${Math.max(0, to - 1)}`;
    const start = `${Math.max(0, from)}`;
    for (let seen = 0; seen < SCAN_MAX;) {
      const page = await this.redis.commands.xrevrange(key, end, start, 'COUNT', PAGE);
      for (const [id, fields] of page) {
        seen++;
        const r = parseEntry(id, fields);
        if (r && r.owner === owner && !visit(r)) return;
      }
      if (page.length < PAGE) return;
      end = `(${page[page.length - 1][0]}`;
    }
  }
}

/** One stream entry (`j` holds the record's JSON); anything malformed is skipped. */
function parseEntry(id: string, fields: string[]): RejectionRecord | undefined {
  const at = fields.indexOf('j');
  if (at < 0 || at % 2 !== 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fields[at + 1]);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<RejectionRecord>;
  if (
    typeof r.owner !== 'string' ||
    typeof r.device !== 'string' ||
    typeof r.reason !== 'string' ||
    !(REJECT_REASONS as readonly string[]).includes(r.reason) ||
    typeof r.receivedAt !== 'string'
  )
    return undefined;
  return { ...(r as Omit<RejectionRecord, 'id'>), id };
}
