import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DutyContact } from '@lg/contracts';

/**
 * Acknowledgement links: `{base}/ack/{step}-{index}.{mac}.{alertId}`. The MAC (HMAC-SHA256, 16 bytes,
 * base64url) covers the alert, the contact's place in the alert's chain and the person (name and mobile
 * or e-mail), so a link acknowledges one alert as one person and nothing else; a registry change that puts
 * someone else at that place voids it. It needs no expiry of its own: it works while the alert exists and
 * is unacknowledged (an alert ID names one opening: a new opening is a new alert with a new ID).
 */
export interface LinkSubject {
  alertId: string;
  step: number;
  index: number;
  contact: DutyContact;
}

/** Longest token accepted: checked before anything else is done with it. */
export const MAX_LINK_TOKEN = 320;

function mac(secret: string, s: LinkSubject): Buffer {
  const who = `${s.contact.name}|${s.contact.mobile ?? s.contact.email ?? s.contact.phone}`;
  return createHmac('sha256', secret)
    .update(`lg-ack-v1|${s.alertId}|${s.step}|${s.index}|${who}`)
    .digest()
    .subarray(0, 16);
}

export function linkToken(secret: string, s: LinkSubject): string {
  return `${s.step}-${s.index}.${mac(secret, s).toString('base64url')}.${s.alertId}`;
}

export function ackLink(base: string, secret: string, s: LinkSubject): string {
  return `${base.replace(/\/+$/, '')}/ack/${linkToken(secret, s)}`;
}

/** A token's parts, before its MAC is checked (the contact must be looked up to check it). */
export interface ParsedToken {
  alertId: string;
  step: number;
  index: number;
  mac: string;
}

export function parseLinkToken(token: string): ParsedToken | undefined {
  if (token.length > MAX_LINK_TOKEN) return undefined;
  const m = /^(\d{1,2})-(\d{1,3})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_.~:-]{1,200})$/.exec(token);
  if (!m) return undefined;
  return { step: Number(m[1]), index: Number(m[2]), mac: m[3], alertId: m[4] };
}

/** Is the token's MAC the one for this alert and this person? Constant-time. */
export function linkValid(secret: string, parsed: ParsedToken, contact: DutyContact): boolean {
  const expected = mac(secret, { ...parsed, contact });
  const given = Buffer.from(parsed.mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
