export * from './clock';
// The escalation delays are the alert lifecycle's; the worker's configuration and the scenarios read them here.
export { DEFAULT_ESCALATION_DELAYS, parseEscalationDelays, type EscalationDelays } from '@lg/alerts';
export * from './evaluate-partition';
export * from './hazard-area-cache';
export * from './closure-cache';
export * from './cause-cache';
export * from './routing-lag';
export * from './presence';
export * from './partition-evaluator';
export * from './partition-store';
export * from './partition-ownership';
export * from './rule-workers';
export * from './rule-pack-store';
