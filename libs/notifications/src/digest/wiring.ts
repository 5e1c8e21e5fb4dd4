import type Redis from 'ioredis';
import { AlertStore } from '@lg/alerts';
import type { Names } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import type { DeliveryStore } from '../deliveries';
import type { DeliveryQueue } from '../delivery-queue';
import { DigestClaims } from './claims';
import { DigestJobs, type DigestJobsOptions } from './jobs';
import { DigestReader } from './scopes';
import { DigestSender, type DigestChannel } from './sender';

/** Where a worker's digests go: its delivery queue and store, by these channels. */
export interface DigestDelivery {
  store: DeliveryStore;
  deliveries: DeliveryQueue;
  channels: readonly DigestChannel[];
  /** How long a scope's claim holds before another worker may take it over; DigestClaims' default if absent. */
  claimTtlMs?: number;
}

/**
 * The digest jobs as a worker runs them: claims in Redis, each day read from the alert store, and the
 * digests queued on the worker's delivery queue. One wiring for the worker and the tests that stand in for it.
 */
export function wireDigestJobs(
  redis: Redis,
  n: Names,
  registry: Registry,
  delivery: DigestDelivery,
  options: DigestJobsOptions,
): DigestJobs {
  const reader = new DigestReader(new AlertStore(redis, n));
  const sender = new DigestSender(n, reader, delivery.store, delivery.deliveries, {
    channels: delivery.channels,
  });
  return new DigestJobs(redis, n, registry, new DigestClaims(redis, n, delivery.claimTtlMs), sender, options);
}
