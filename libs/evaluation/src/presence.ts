import { placedAt, type DeviceEvent, type LogRecord } from '@lg/contracts';

/** Where a device was last seen, kept in the presence hash (device ID → JSON). */
export interface Presence {
  /** Event time of the newest reading, epoch ms; a reading stamped in the future counts at its arrival. */
  lastSeen: number;
  /** When ingest received the newest record, epoch ms. */
  rx: number;
  online: boolean;
  /** Event time of the last online/offline change, epoch ms. */
  changedAt: number;
}

/**
 * Folds one record into a device's presence. A reading means the device is online; a status message
 * says so explicitly (a retained last will of `{"online": false}` when its connection died). Returns the
 * device event to publish when the online state changed.
 */
export function updatePresence(
  before: Presence | undefined,
  record: LogRecord,
): { presence: Presence; event?: DeviceEvent } {
  const online = record.t === 's' ? record.online : true;
  // A terminal whose clock runs ahead is seen when its reading arrives, never in the future.
  const at = record.t === 's' ? record.rx : placedAt(record);
  const lastSeen = record.t === 'r' ? Math.max(before?.lastSeen ?? 0, at) : (before?.lastSeen ?? 0);
  const changed = before === undefined ? true : before.online !== online;
  const presence: Presence = {
    lastSeen,
    rx: Math.max(before?.rx ?? 0, record.rx),
    online,
    changedAt: changed ? at : (before?.changedAt ?? at),
  };
  if (!changed) return { presence };
  return {
    presence,
    event: {
      id: record.device,
      kind: record.kind,
      owner: record.owner,
      online,
      ts: new Date(at).toISOString(),
    },
  };
}
