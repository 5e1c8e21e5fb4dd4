import type { DutyContact, NotifyChannel, Severity } from '@lg/contracts';
import type { RenderedMessage } from '../messages';

/** One message on its way out on one channel. */
export interface Outgoing {
  /** The delivery ID: sent along as an idempotency key (Message-ID, header, OutId) wherever the far end takes one. */
  id: string;
  /** The address on this channel: a mobile number, an e-mail address, or the contact's mobile to @-mention. */
  to: string;
  contact: DutyContact;
  severity: Severity;
  alertIds: string[];
  rendered: RenderedMessage;
  /** Set on a daily digest: whose and which day. */
  digest?: { scope: string; date: string };
}

export interface SendResult {
  /** The far end's ID of the message, when it gives one. */
  providerId?: string;
  /** The far end says it reached the person or the receiving system (else: taken, `sent`). */
  delivered: boolean;
}

/** A channel: sends one message or throws (transient: retried; {@link PermanentSendError}: failed at once). */
export interface Channel {
  readonly name: NotifyChannel;
  send(m: Outgoing, signal: AbortSignal): Promise<SendResult>;
  close?(): Promise<void> | void;
}

/** The far end refused the message for good (bad number, bad address, rejected template): no retry helps. */
export class PermanentSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentSendError';
  }
}

/** An HTTP answer as an error: 4xx other than 408 and 429 is permanent; the rest may pass on a retry. */
export function httpError(what: string, status: number, body: string): Error {
  const text = `${what} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
  return status >= 400 && status < 500 && status !== 408 && status !== 429
    ? new PermanentSendError(text)
    : new Error(text);
}
