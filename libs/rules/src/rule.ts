import type { z } from 'zod';
import type { AlertAction, DeviceKind, HazardIndex, ReadingRecord, Severity } from '@lg/contracts';
import type { Device, Registry, RestrictedZone } from '@lg/registry';

/**
 * What a rule says about one device at one moment: its alert should be at this severity (`fire`), or its
 * condition no longer holds (`clear`). The alert lifecycle (`@lg/alerts`) turns signals into alerts.
 */
export type RuleSignal =
  | {
      type: 'fire';
      severity: Severity;
      value: number | string | null;
      threshold: number | string | null;
      message: string;
      location?: { lat: number; lon: number };
      actions?: AlertAction[];
    }
  | { type: 'clear'; value: number | string | null; message?: string };

/**
 * A rule is a pure function of its state for one device, one reading and its configuration. It has no
 * clock of its own: time is the reading's event time. It returns its next state and, when the alert
 * should change, a signal (`fire` with a severity, or `clear`).
 */
export interface RuleContext {
  device: Device;
  /** Zones, road corridors, slope sites (buildings), the responsibility chain. */
  registry: Registry;
  /**
   * The active hazard areas (red slopes, orange/red gas leaks) as the worker last loaded them; missing
   * where no rule needs them (the engine's specs).
   */
  hazards?: HazardIndex;
  /** Temporary closures drawn by the command centre, as restricted zones (truck.restricted_zone). */
  closures?: readonly RestrictedZone[];
}

export interface RuleOutput<S> {
  state: S;
  signal?: RuleSignal;
}

export interface Rule<S, C> {
  name: string;
  kinds: readonly DeviceKind[];
  /** Defaults of the rule pack; validated overrides come from the pack file and `PUT /api/rules/{rule}`. */
  defaults: C;
  configSchema: z.ZodType<C>;
  initial(): S;
  evaluate(state: S, reading: ReadingRecord, config: C, ctx: RuleContext): RuleOutput<S>;
  /**
   * Rules that fire on silence (offline) say when, in event time (epoch ms), they want `tick` if no
   * reading came first; null for never. The worker keeps one deadline per device in a sorted set, so
   * quiet devices cost nothing until one is due.
   */
  deadline?(state: S, config: C, ctx: RuleContext): number | null;
  /** Called at or after the deadline with the clock's time (ms) when no reading came in between. */
  tick?(state: S, now: number, config: C, ctx: RuleContext): RuleOutput<S>;
}

/** Erases a rule's own types for storage in the table; safe because state and config travel together. */
export type AnyRule = Rule<unknown, unknown>;
export function defineRule<S, C>(rule: Rule<S, C>): AnyRule {
  return rule;
}
