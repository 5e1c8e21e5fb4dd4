import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@lg/auth';
import { isoPeriod } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { truckDataQuality, type TruckDataQuality } from '@lg/scorecard';
import { ReadingsStore } from '../infra/readings';
import type { DataQualityQuery } from '../contract/data-quality.queries';

/** Records read per truck at most: a truck every 5 s for the longest period (24 h) makes 17,280. */
export const MAX_RECORDS_PER_TRUCK = 20_000;

export interface DataQualityView {
  company: string;
  from: string;
  to: string;
  /** Silences beyond this many registry intervals are gaps. */
  gapFactor: number;
  /** Every truck of the company, worst first (most gaps, then most unqualified, then the largest skew). */
  trucks: TruckDataQuality[];
  /** Trucks whose records reached `MAX_RECORDS_PER_TRUCK` (their figures cover the first ones only). */
  truncated: string[];
}

/**
 * Data quality per truck for a company's platform engineers: reporting interval and its regularity,
 * gaps, share unqualified, clock skew between `ts` and arrival, last record. A company user sees only
 * its own company; any other is 404, exactly like a company that does not exist.
 */
@Injectable()
export class DataQualityService {
  constructor(
    private readonly registry: Registry,
    private readonly readings: ReadingsStore,
  ) {}

  async company(principal: Principal, companyId: string, q: DataQualityQuery): Promise<DataQualityView> {
    const notFound = new NotFoundException(`company ${companyId} not found`);
    if (principal.role === 'company' && principal.company !== companyId) throw notFound;
    if (!this.registry.company(companyId)) throw notFound;
    const trucks = this.registry.allDevices().filter((d) => d.kind === 'truck' && d.owner === companyId);
    const period = { from: q.from, to: q.to };
    const records = await this.readings.arrivals(companyId, period, MAX_RECORDS_PER_TRUCK);
    const rules = { gapFactor: q.gapFactor };
    const rows = trucks.map((d) =>
      truckDataQuality(d.id, d.intervalSec, records.get(d.id) ?? [], period, rules),
    );
    rows.sort(
      (a, b) =>
        b.gaps - a.gaps ||
        (b.unqualifiedShare ?? 0) - (a.unqualifiedShare ?? 0) ||
        (b.maxAbsSkewMs ?? 0) - (a.maxAbsSkewMs ?? 0) ||
        a.truck.localeCompare(b.truck),
    );
    return {
      company: companyId,
      ...isoPeriod(q.from, q.to),
      gapFactor: q.gapFactor,
      trucks: rows,
      truncated: [...records].filter(([, list]) => list.length >= MAX_RECORDS_PER_TRUCK).map(([id]) => id),
    };
  }
}
