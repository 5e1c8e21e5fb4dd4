import { clamp, gaussian, round, type Random } from './random';

/**
 * A fixed combustible-gas detector on a pipeline with a 4–20 mA loop: clean air reads 0–3 % LEL of sensor
 * noise and zero drift; the loop current follows the reading (4 mA at 0 % LEL, 20 mA at 100 % LEL).
 */
export interface GasParams {
  gas: 'CH4' | 'C3H8';
  /** Zero offset of this sensor, % LEL. */
  zeroLel: number;
  noiseLel: number;
  /** Battery level at start, %. */
  battery: number;
}

/** The loop current of a 4–20 mA transmitter for a reading in % LEL. */
export function loopCurrentMa(lel: number): number {
  return 4 + (clamp(lel, 0, 100) / 100) * 16;
}

export interface GasReading {
  ts: number;
  lel: number;
  gas: 'CH4' | 'C3H8';
  ma: number;
  battery: number;
}

export function gasReading(params: GasParams, ts: number, rng: Random): GasReading {
  const lel = round(clamp(params.zeroLel + Math.abs(gaussian(rng)) * params.noiseLel, 0, 3), 1);
  return {
    ts,
    lel,
    gas: params.gas,
    ma: round(loopCurrentMa(lel), 2),
    battery: round(clamp(params.battery + gaussian(rng) * 0.2, 0, 100), 1),
  };
}
