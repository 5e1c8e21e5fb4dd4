import { isObject } from './json-object';

/**
 * What the gateway and the JT/T 808 gateway instances say to each other over Redis pub/sub: a downlink
 * text message for a truck's terminal (relayed to the instance holding its connection), a take-over (a
 * terminal connected to another instance: the old connection is closed), and what became of a request.
 */
export type Jt808InstanceMessage =
  | {
      t: 'text';
      /** Request ID, echoed in every answer. */
      id: string;
      device: string;
      /** The connection expected to hold the terminal (`instance/connection`). */
      conn: string;
      text: string;
      /** JT/T 808 text flags (bit 0 emergency, bit 2 display, bit 3 TTS read-out, …). */
      flags: number;
    }
  /** A location query (0x8201): the terminal answers with its position (0x0201). */
  | { t: 'locate'; id: string; device: string; conn: string }
  | { t: 'close'; device: string; conn: string };

/** A position a terminal gave in answer to a location query. */
export interface Jt808Located {
  lat: number;
  lon: number;
  speed: number;
  heading: number;
  /** The terminal's time, ISO-8601 with +08:00, or null when it is not a date. */
  time: string | null;
  /** The terminal had a position fix. */
  positioned: boolean;
}

export type Jt808Answer =
  /** The frame went out to the terminal, with this serial number. */
  | { id: string; status: 'sent'; serial: number }
  /**
   * The terminal answered: to a text with 0x0001 (result 0 success, 1 failure, 2 message error, 3 not
   * supported), to a location query with 0x0201 (result 0 and where it is).
   */
  | { id: string; status: 'answered'; result: number; located?: Jt808Located }
  /** It could not be sent (the terminal is not connected there, the text cannot be written in GBK, …). */
  | { id: string; status: 'failed'; message: string };

/** Longest downlink text, characters: two GBK bytes each stays inside one 1023-byte package. */
export const JT808_TEXT_MAX_CHARS = 400;

/** The JSON object a channel message holds; undefined when it holds none. */
function jsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a message on an instance channel; undefined when it is not one (it is then ignored). */
export function parseJt808InstanceMessage(raw: string): Jt808InstanceMessage | undefined {
  const v = jsonObject(raw);
  if (!v || typeof v.device !== 'string' || typeof v.conn !== 'string') return undefined;
  if (v.t === 'close') return { t: 'close', device: v.device, conn: v.conn };
  if (v.t === 'locate' && typeof v.id === 'string')
    return { t: 'locate', id: v.id, device: v.device, conn: v.conn };
  if (
    v.t === 'text' &&
    typeof v.id === 'string' &&
    typeof v.text === 'string' &&
    v.text.length <= JT808_TEXT_MAX_CHARS &&
    typeof v.flags === 'number' &&
    Number.isInteger(v.flags) &&
    v.flags >= 0 &&
    v.flags <= 0xff
  ) {
    return { t: 'text', id: v.id, device: v.device, conn: v.conn, text: v.text, flags: v.flags };
  }
  return undefined;
}

export function parseJt808Answer(raw: string): Jt808Answer | undefined {
  const v = jsonObject(raw);
  if (!v || typeof v.id !== 'string') return undefined;
  if (v.status === 'sent' && typeof v.serial === 'number')
    return { id: v.id, status: 'sent', serial: v.serial };
  if (v.status === 'answered' && typeof v.result === 'number') {
    const located = isObject(v.located) ? (v.located as unknown as Jt808Located) : undefined;
    return { id: v.id, status: 'answered', result: v.result, ...(located ? { located } : {}) };
  }
  if (v.status === 'failed' && typeof v.message === 'string')
    return { id: v.id, status: 'failed', message: v.message };
  return undefined;
}
