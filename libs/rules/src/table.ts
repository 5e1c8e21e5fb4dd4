import type { AnyRule } from './rule';
import { gasLel } from './rules/gas-lel';

/** Every rule of the platform, one file each under `rules/`. */
export const RULES: readonly AnyRule[] = [gasLel];
