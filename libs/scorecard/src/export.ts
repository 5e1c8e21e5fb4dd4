import ExcelJS from 'exceljs';
import type { CompanyDetail, CompanyScorecard, TruckProblem, TruckScorecard } from './company';
import { RATED_ITEMS, type RatedItem } from './score';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_LANGS = ['zh', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

type Text = Record<ExportLang, string>;

/** Column headings of the per-truck table. Rates are percentages. */
const TRUCK_COLUMNS: Array<{
  key: string;
  title: Text;
  value: (t: TruckScorecard, lang: ExportLang) => Cell;
}> = [
  { key: 'truck', title: { zh: '车辆编号', en: 'Vehicle' }, value: (t) => t.truck },
  { key: 'plate', title: { zh: '车牌号', en: 'Plate' }, value: (t) => t.plate ?? '' },
  { key: 'onNetwork', title: { zh: '是否入网', en: 'On network' }, value: (t, l) => yesNo(t.onNetwork, l) },
  { key: 'online', title: { zh: '是否上线', en: 'Online' }, value: (t, l) => yesNo(t.online, l) },
  { key: 'records', title: { zh: '数据总数', en: 'Records' }, value: (t) => t.records },
  { key: 'qualified', title: { zh: '合格数据数', en: 'Qualified records' }, value: (t) => t.qualified },
  {
    key: 'qualification',
    title: { zh: '数据合格率(%)', en: 'Data qualification rate (%)' },
    value: (t) => percent(t.qualification),
  },
  { key: 'mileageKm', title: { zh: '总里程(km)', en: 'Mileage (km)' }, value: (t) => t.mileageKm },
  {
    key: 'completeKm',
    title: { zh: '完整轨迹里程(km)', en: 'Complete-track mileage (km)' },
    value: (t) => t.completeKm,
  },
  {
    key: 'completeness',
    title: { zh: '轨迹完整率(%)', en: 'Track completeness rate (%)' },
    value: (t) => percent(t.completeness),
  },
  { key: 'gaps', title: { zh: '轨迹断点数', en: 'Track gaps' }, value: (t) => t.gaps },
  { key: 'drifted', title: { zh: '是否漂移', en: 'Drifted' }, value: (t, l) => yesNo(t.drifted, l) },
  { key: 'driftFixes', title: { zh: '漂移点数', en: 'Drifted fixes' }, value: (t) => t.driftFixes },
  { key: 'overspeeds', title: { zh: '超速次数', en: 'Overspeeds' }, value: (t) => t.overspeeds },
  {
    key: 'fatigueHours',
    title: { zh: '疲劳驾驶时长(h)', en: 'Fatigue driving (h)' },
    value: (t) => t.fatigueHours,
  },
  {
    key: 'problems',
    title: { zh: '问题', en: 'Problems' },
    value: (t, l) => t.problems.map((p) => PROBLEMS[p][l]).join(l === 'zh' ? '；' : '; '),
  },
  { key: 'gain', title: { zh: '修复后可提分', en: 'Points if fixed' }, value: (t) => t.gain },
];

const PROBLEMS: Record<TruckProblem, Text> = {
  never_online: { zh: '从未上线', en: 'never online' },
  offline: { zh: '本期未上线', en: 'offline in the period' },
  unqualified_records: { zh: '存在不合格数据', en: 'unqualified records' },
  broken_track: { zh: '轨迹不完整', en: 'broken track' },
  drift: { zh: '定位漂移', en: 'drift' },
};

export const TEXT = {
  title: { zh: '危险货物道路运输企业监控平台考核', en: 'Hazmat transport company monitoring scorecard' },
  company: { zh: '企业', en: 'Company' },
  period: { zh: '考核期', en: 'Period' },
  item: { zh: '考核项', en: 'Item' },
  value: { zh: '数值', en: 'Value' },
  points: { zh: '得分', en: 'Points' },
  score: { zh: '总分', en: 'Score' },
  total: { zh: '合计', en: 'Company total' },
  summary: { zh: '汇总', en: 'Summary' },
  vehicles: { zh: '车辆', en: 'Vehicles' },
  evidence: { zh: '问题明细', en: 'Evidence' },
  kind: { zh: '类别', en: 'Kind' },
  vehicle: { zh: '车辆编号', en: 'Vehicle' },
  time: { zh: '时间', en: 'Time' },
  detail: { zh: '说明', en: 'Detail' },
  gap: { zh: '轨迹断点', en: 'Track gap' },
  driftFix: { zh: '漂移点', en: 'Drifted fix' },
  unqualified: { zh: '不合格数据', en: 'Unqualified record' },
  neverOnline: { zh: '从未上线', en: 'Never online' },
  offline: { zh: '本期未上线', en: 'Offline in the period' },
} satisfies Record<string, Text>;

/** The titles of the items scored from a rate; the rate is shown as a percentage. */
const RATE_TITLES: Record<RatedItem, Text> = {
  access: { zh: '车辆入网率(%)', en: 'Network-access rate (%)' },
  online: { zh: '车辆上线率(%)', en: 'Online rate (%)' },
  completeness: { zh: '轨迹完整率(%)', en: 'Track-completeness rate (%)' },
  qualification: { zh: '数据合格率(%)', en: 'Data-qualification rate (%)' },
  drift: { zh: '卫星定位漂移率(%)', en: 'Drift rate (%)' },
};

export const ITEMS: Array<{
  title: Text;
  rate: (c: CompanyScorecard) => Cell;
  points: (c: CompanyScorecard) => number;
}> = [
  ...RATED_ITEMS.map((item) => ({
    title: RATE_TITLES[item],
    rate: (c: CompanyScorecard) => percent(c.rates[item]),
    points: (c: CompanyScorecard) => c.points[item],
  })),
  {
    title: { zh: '平均车辆超速次数', en: 'Overspeeds per vehicle' },
    rate: (c) => c.overspeeds.perVehicle ?? '',
    points: (c) => c.points.overspeed,
  },
  {
    title: { zh: '平均车辆疲劳驾驶时长(h)', en: 'Fatigue hours per vehicle' },
    rate: (c) => c.fatigue.perVehicle ?? '',
    points: (c) => c.points.fatigue,
  },
  {
    title: { zh: '平台查岗响应率(%)', en: 'Platform duty-check response rate (%)' },
    rate: (c) => percent(c.dutyCheck.rate),
    points: (c) => c.points.dutyCheck,
  },
];

export type Cell = string | number;

function yesNo(v: boolean, lang: ExportLang): string {
  return lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no';
}

function percent(rate: number | null): Cell {
  return rate === null ? '' : Math.round(rate * 10_000) / 100;
}

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(v: Cell): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function truckRows(detail: CompanyDetail, lang: ExportLang): Cell[][] {
  return detail.trucks.map((t) => TRUCK_COLUMNS.map((c) => c.value(t, lang)));
}

function totalRow(detail: CompanyDetail, lang: ExportLang): Cell[] {
  const row: Record<string, Cell> = {
    truck: TEXT.total[lang],
    plate: '',
    onNetwork: detail.vehicles.onNetwork,
    online: detail.vehicles.online,
    records: detail.records.total,
    qualified: detail.records.qualified,
    qualification: percent(detail.rates.qualification),
    mileageKm: detail.mileage.totalKm,
    completeKm: detail.mileage.completeKm,
    completeness: percent(detail.rates.completeness),
    gaps: detail.mileage.gaps,
    drifted: detail.vehicles.drifted,
    driftFixes: detail.trucks.reduce((n, t) => n + t.driftFixes, 0),
    overspeeds: detail.overspeeds.count,
    fatigueHours: detail.fatigue.hours,
    problems: '',
    gain: '',
  };
  return TRUCK_COLUMNS.map((c) => row[c.key] ?? '');
}

/** Period as local dates for titles and file names: `2026-05-01` or `2026-05-01_2026-05-07`. */
export function periodLabel(from: string, to: string): string {
  const local = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  const a = local(from);
  const b = local(new Date(Date.parse(to) - 1).toISOString());
  return a.slice(0, 10) === b.slice(0, 10) ? a.slice(0, 10) : `${a.slice(0, 10)}_${b.slice(0, 10)}`;
}

/** A time as the regulator's reports show it: local (Asia/Shanghai), `2026-05-01 08:00:00`. */
export function localTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A period in local time: `2026-05-01 00:00:00 – 2026-05-02 00:00:00 (UTC+8)`. */
export function localPeriod(from: string, to: string): string {
  return `${localTime(from)} – ${localTime(to)} (UTC+8)`;
}

/**
 * The per-truck table as CSV (UTF-8 with a byte-order mark, so that spreadsheets read the Chinese right;
 * CRLF line ends), one row per registered truck in fix-first order, then the company's totals.
 */
export function scorecardCsv(detail: CompanyDetail, lang: ExportLang): Buffer {
  const lines = [TRUCK_COLUMNS.map((c) => c.title[lang]), ...truckRows(detail, lang), totalRow(detail, lang)];
  return Buffer.from(
    '\uFEFF' + lines.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n',
    'utf8',
  );
}

/** A workbook: the summary (rates, points, score), the per-truck table, and the evidence. */
export async function scorecardXlsx(
  detail: CompanyDetail,
  period: { from: string; to: string },
  lang: ExportLang,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Longgang public-safety monitoring platform';
  const name = lang === 'zh' ? detail.name : (detail.nameEn ?? detail.name);

  const summary = wb.addWorksheet(TEXT.summary[lang]);
  summary.addRow([TEXT.title[lang]]).font = { bold: true, size: 14 };
  summary.addRow([TEXT.company[lang], `${detail.company} ${name}`]);
  summary.addRow([TEXT.period[lang], localPeriod(period.from, period.to)]);
  summary.addRow([]);
  summary.addRow([TEXT.item[lang], TEXT.value[lang], TEXT.points[lang]]).font = { bold: true };
  for (const item of ITEMS) summary.addRow([item.title[lang], item.rate(detail), item.points(detail)]);
  summary.addRow([TEXT.score[lang], '', detail.score]).font = { bold: true };
  summary.getColumn(1).width = 36;
  summary.getColumn(2).width = 16;
  summary.getColumn(3).width = 10;

  const vehicles = wb.addWorksheet(TEXT.vehicles[lang]);
  vehicles.addRow(TRUCK_COLUMNS.map((c) => c.title[lang])).font = { bold: true };
  for (const row of truckRows(detail, lang)) vehicles.addRow(row);
  vehicles.addRow(totalRow(detail, lang)).font = { bold: true };
  vehicles.columns.forEach((col, i) => (col.width = Math.max(10, TRUCK_COLUMNS[i].title[lang].length + 4)));
  vehicles.views = [{ state: 'frozen', ySplit: 1 }];

  const evidence = wb.addWorksheet(TEXT.evidence[lang]);
  evidence.addRow([TEXT.kind[lang], TEXT.vehicle[lang], TEXT.time[lang], TEXT.detail[lang]]).font = {
    bold: true,
  };
  for (const id of detail.evidence.neverOnline) evidence.addRow([TEXT.neverOnline[lang], id, '', '']);
  for (const id of detail.evidence.offline) evidence.addRow([TEXT.offline[lang], id, '', '']);
  for (const g of detail.evidence.gaps) {
    evidence.addRow([
      TEXT.gap[lang],
      g.truck,
      `${localTime(g.from)} – ${localTime(g.to)}`,
      lang === 'zh'
        ? `间隔 ${g.distanceKm} km / ${g.minutes} 分钟`
        : `${g.distanceKm} km / ${g.minutes} min apart`,
    ]);
  }
  for (const d of detail.evidence.drifts) {
    const speed = d.impliedKmh === null ? '∞' : String(d.impliedKmh);
    evidence.addRow([
      TEXT.driftFix[lang],
      d.truck,
      localTime(d.ts),
      lang === 'zh'
        ? `${d.seconds} 秒内跳变 ${d.distanceKm} km（折合 ${speed} km/h）`
        : `jumped ${d.distanceKm} km in ${d.seconds} s (${speed} km/h)`,
    ]);
  }
  for (const u of detail.evidence.unqualified) {
    evidence.addRow([
      TEXT.unqualified[lang],
      u.truck,
      localTime(u.ts),
      `${u.reasons.join(', ')} (lat ${u.lat ?? '-'}, lon ${u.lon ?? '-'}, speed ${u.speed ?? '-'})`,
    ]);
  }
  evidence.getColumn(1).width = 18;
  evidence.getColumn(2).width = 12;
  evidence.getColumn(3).width = 52;
  evidence.getColumn(4).width = 60;

  const data = await wb.xlsx.writeBuffer();
  return Buffer.from(data);
}

/** Headings of the per-truck table, for tests and documentation. */
export function truckHeadings(lang: ExportLang): string[] {
  return TRUCK_COLUMNS.map((c) => c.title[lang]);
}
