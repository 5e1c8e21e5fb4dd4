import ExcelJS from 'exceljs';
import type { CompanyScorecard } from './company';
import { csvField, ITEMS, localPeriod, TEXT, type Cell, type ExportLang } from './export';

/** The ranking as the page shows it: each company with its rank (operators) and its figures. */
export type RankedCompany = CompanyScorecard & { rank?: number };

const RANKING_TEXT = {
  title: { zh: '危险货物道路运输企业监控平台考核排名', en: 'Hazmat transport companies ranked by scorecard' },
  ranking: { zh: '排名', en: 'Ranking' },
  rank: { zh: '名次', en: 'Rank' },
  name: { zh: '企业名称', en: 'Company name' },
  average: { zh: '区域平均', en: 'District average' },
};

const pts = (title: string, lang: ExportLang) => (lang === 'zh' ? `${title}得分` : `${title} points`);

function headings(lang: ExportLang): string[] {
  return [
    RANKING_TEXT.rank[lang],
    TEXT.company[lang],
    RANKING_TEXT.name[lang],
    ...ITEMS.flatMap((item) => [item.title[lang], pts(item.title[lang].replace(/\(.*\)$/, ''), lang)]),
    TEXT.score[lang],
  ];
}

/** One row a company in the given order, then the district's average of every numeric column. */
function rows(companies: readonly RankedCompany[], lang: ExportLang): Cell[][] {
  const body: Cell[][] = companies.map((c) => [
    c.rank ?? '',
    c.company,
    lang === 'zh' ? c.name : (c.nameEn ?? c.name),
    ...ITEMS.flatMap((item) => [item.rate(c), item.points(c)]),
    c.score,
  ]);
  const mean = (i: number): Cell => {
    const values = body.map((r) => r[i]).filter((v): v is number => typeof v === 'number');
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : '';
  };
  const width = headings(lang).length;
  const average: Cell[] = [
    '',
    '',
    RANKING_TEXT.average[lang],
    ...Array.from({ length: width - 3 }, (_, i) => mean(i + 3)),
  ];
  return companies.length > 1 ? [...body, average] : body;
}

/** The ranking as CSV: UTF-8 with a byte-order mark and CRLF, as the company export. */
export function rankingCsv(companies: readonly RankedCompany[], lang: ExportLang): Buffer {
  const lines = [headings(lang), ...rows(companies, lang)];
  return Buffer.from('\uFEFF' + lines.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

/** The ranking as a workbook of one sheet, with its title and local period above the table. */
export async function rankingXlsx(
  companies: readonly RankedCompany[],
  period: { from: string; to: string },
  lang: ExportLang,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Longgang public-safety monitoring platform';
  const sheet = wb.addWorksheet(RANKING_TEXT.ranking[lang]);
  sheet.addRow([RANKING_TEXT.title[lang]]).font = { bold: true, size: 14 };
  sheet.addRow([TEXT.period[lang], localPeriod(period.from, period.to)]);
  sheet.addRow([]);
  sheet.addRow(headings(lang)).font = { bold: true };
  const data = rows(companies, lang);
  data.forEach((r, i) => {
    const row = sheet.addRow(r);
    if (companies.length > 1 && i === data.length - 1) row.font = { bold: true };
  });
  sheet.columns.forEach((col, i) => (col.width = i === 2 ? 24 : 12));
  sheet.views = [{ state: 'frozen', ySplit: 4 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
