export * from './clock';
export * from './escalation';
export * from './presence';
export * from './partition-evaluator';
export * from './partition-ownership';
export * from './rule-workers';
export * from './rule-pack-store';
