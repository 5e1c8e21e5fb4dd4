import type { EscalationLevel, Severity, AlertTransitionType } from './alert';

/** The ways a notification reaches a person (docs/notifications.md). */
export const NOTIFY_CHANNELS = ['sms', 'email', 'webhook'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/**
 * Where a delivery stands: `queued` (waiting or being retried), `sent` (the provider or mail server took
 * it), `delivered` (the provider reported it reached the person or the receiving system answered for it),
 * `failed` (given up, with the reason).
 */
export const DELIVERY_STATES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One message on one channel to one contact, as `GET /api/alerts/{id}/notifications` shows it. */
export interface NotificationDelivery {
  id: string;
  channel: NotifyChannel;
  /** The address, partly masked (`138****1005`, `d***@longgang.example`). */
  to: string;
  contact: string;
  role?: string;
  level: EscalationLevel;
  /** The unit whose duty contact this is (grid ID, company ID, ...). */
  unit: string;
  /** The transition that caused it (`opened`, `raised`, `reopened`, `escalated`), or `digest` for a daily digest. */
  transition: AlertTransitionType | 'digest';
  severity: Severity;
  /** Alerts this message tells of: 1, or more when a storm was grouped into one message. */
  alerts: number;
  state: DeliveryState;
  /** Why it failed, or why the last attempt failed while it is retried. */
  reason?: string;
  attempts: number;
  /** ISO-8601 UTC. */
  queuedAt: string;
  sentAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  /** When the SMS provider's delivery receipt came (it set `delivered` or `failed`). */
  receiptAt?: string;
}
