import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@lg/auth';
import { BusyError } from '@lg/observability';
import { Registry } from '@lg/registry';
import {
  dayStart,
  periodLabel,
  scorecardCsv,
  ScorecardSettingsError,
  scorecardXlsx,
  summaryOf,
  rankingCsv,
  rankingXlsx,
  type CompanyDetail,
  type CompanyScorecard,
  type DistrictScorecard,
  type ExportFormat,
  type ScorecardSettings,
  type TrendPoint,
} from '@lg/scorecard';
import { LoadSheddingException } from './load-shedding';
import type {
  ExportQuery,
  RankingExportQuery,
  ScorecardRange,
  TrendQuery,
} from '../contract/scorecard.queries';
import { ScorecardBackend } from './scorecard.backend';
import { requireOperator } from './operators';

/** Refused to everyone but the command centre's operators. */
const SETTINGS_FOR_OPERATORS = 'the scorecard settings are for operators only';

/** The ranking as one user may see it: an operator every company ranked, a company only itself (no rank). */
export interface RankingView {
  from: string;
  to: string;
  regional: DistrictScorecard['regional'];
  companies: Array<CompanyScorecard & { rank?: number }>;
}

export type CompanyView = CompanyDetail & { from: string; to: string; rank?: number };

export interface TrendView {
  company: string;
  days: number;
  points: TrendPoint[];
}

export interface ExportFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

export interface SettingsView {
  /** The settings in force (defaults filled in). */
  settings: ScorecardSettings;
  /** What an operator set. */
  overrides: unknown;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The scorecard as one user may see it. The whole district is computed (each company is scored against
 * the regional averages), then cut down: a company user gets its own company only, and another company's
 * scorecard, trend or export is answered exactly like a company that does not exist (404).
 */
@Injectable()
export class ScorecardService {
  constructor(
    private readonly backend: ScorecardBackend,
    private readonly registry: Registry,
  ) {}

  async ranking(principal: Principal, range: ScorecardRange): Promise<RankingView> {
    const district = await this.district(range);
    const companies =
      principal.role === 'operator'
        ? district.companies.map((c) => summaryOf(c))
        : district.companies
            .filter((c) => c.company === principal.company)
            .map(({ rank: _rank, ...c }) => summaryOf(c));
    return { from: district.from, to: district.to, regional: district.regional, companies };
  }

  async company(principal: Principal, companyId: string, range: ScorecardRange): Promise<CompanyView> {
    this.visible(principal, companyId);
    const district = await this.district(range);
    const found = district.companies.find((c) => c.company === companyId);
    if (!found) throw notFound(companyId);
    const { rank, ...detail } = found;
    return {
      from: district.from,
      to: district.to,
      ...(principal.role === 'operator' ? { rank } : {}),
      ...detail,
    };
  }

  async trend(principal: Principal, companyId: string, q: TrendQuery): Promise<TrendView> {
    this.visible(principal, companyId);
    const points = await shed(() => this.backend.engine.trend(companyId, dayStart(q.to), q.days));
    return { company: companyId, days: q.days, points };
  }

  /** The district for a period widened to whole hours (the response says which). */
  private district(range: ScorecardRange): Promise<DistrictScorecard> {
    return shed(() => this.backend.engine.district(range.from, range.to));
  }

  async export(principal: Principal, companyId: string, q: ExportQuery): Promise<ExportFile> {
    const view = await this.company(principal, companyId, q);
    const period = { from: view.from, to: view.to };
    const body = q.format === 'csv' ? scorecardCsv(view, q.lang) : await scorecardXlsx(view, period, q.lang);
    return {
      body,
      contentType: CONTENT_TYPES[q.format],
      filename: `scorecard-${companyId}-${periodLabel(view.from, view.to)}-${q.lang}.${q.format}`,
    };
  }

  /** The ranking this user sees, as a file, in the order on screen (companies not named there after). */
  async rankingExport(principal: Principal, q: RankingExportQuery): Promise<ExportFile> {
    const view = await this.ranking(principal, q);
    const at = new Map((q.order ?? []).map((id, i) => [id, i]));
    const companies = [...view.companies].sort(
      (a, b) =>
        (at.get(a.company) ?? Infinity) - (at.get(b.company) ?? Infinity) || (a.rank ?? 0) - (b.rank ?? 0),
    );
    const period = { from: view.from, to: view.to };
    const body =
      q.format === 'csv' ? rankingCsv(companies, q.lang) : await rankingXlsx(companies, period, q.lang);
    return {
      body,
      contentType: CONTENT_TYPES[q.format],
      filename: `scorecard-ranking-${periodLabel(view.from, view.to)}-${q.lang}.${q.format}`,
    };
  }

  async settings(principal: Principal): Promise<SettingsView> {
    requireOperator(principal, SETTINGS_FOR_OPERATORS);
    return {
      settings: await this.backend.settings.get(),
      overrides: await this.backend.settings.overrides(),
    };
  }

  async replaceSettings(principal: Principal, body: unknown): Promise<SettingsView> {
    requireOperator(principal, SETTINGS_FOR_OPERATORS);
    try {
      const settings = await this.backend.settings.replace(body);
      return { settings, overrides: body ?? {} };
    } catch (err) {
      if (err instanceof ScorecardSettingsError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  /** 404 for an unknown company and, for a company user, for every company but its own. */
  private visible(principal: Principal, companyId: string): void {
    if (principal.role === 'company' && principal.company !== companyId) throw notFound(companyId);
    if (!this.registry.company(companyId)) throw notFound(companyId);
  }
}

/** Too many computations running and waiting: 503 with Retry-After rather than one more. */
async function shed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BusyError)
      throw new LoadSheddingException('too many scorecards being computed at once: try again in 5 s', 5);
    throw err;
  }
}

function notFound(companyId: string): NotFoundException {
  return new NotFoundException(`company ${companyId} not found`);
}
