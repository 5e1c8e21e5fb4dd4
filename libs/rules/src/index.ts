export * from './rule';
export * from './table';
export * from './pack';
export * from './engine';
export * from './rules/gas-lel';
export * from './rules/truck-overspeed';
export * from './rules/truck-near-hazard';
export * from './hazard-areas';
