export * from './presence';
export * from './partition-evaluator';
export * from './partition-ownership';
export * from './rule-workers';
