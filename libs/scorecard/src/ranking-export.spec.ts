import ExcelJS from 'exceljs';
import { scoreCompany, tallyCompany, type CompanyInput } from './company';
import { rankingCsv, rankingXlsx } from './ranking-export';
import { emptySlice } from './truck-slice';

const regional = { overspeedsPerVehicle: 0, fatigueHoursPerVehicle: 0 };
function company(id: string, name: string, qualified: number): ReturnType<typeof scoreCompany> {
  const input: CompanyInput = {
    id,
    name,
    nameEn: `${id} Transport`,
    trucks: [{ id: `${id}-T1` }],
    slices: new Map([
      [
        `${id}-T1`,
        { ...emptySlice(`${id}-T1`, id), records: 10, qualified, mileageM: 1000, completeM: 1000 },
      ],
    ]),
    onNetwork: new Set([`${id}-T1`]),
    dutyCheck: { rate: 1, source: 'default' },
  };
  return scoreCompany(input, tallyCompany(input), regional, 10);
}

const c01 = { ...company('C01', '鹏达运输', 10), rank: 1 };
const c02 = { ...company('C02', '龙城危运', 5), rank: 2 };

describe('the ranking export', () => {
  it('writes the companies in the order given, each item’s rate and points, the score and the district average', () => {
    const csv = rankingCsv([c02, c01], 'zh').toString('utf8');
    expect(csv.startsWith('\uFEFF名次,企业,企业名称,车辆入网率(%),车辆入网率得分,')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1].startsWith('2,C02,龙城危运,')).toBe(true);
    expect(lines[2].startsWith('1,C01,鹏达运输,')).toBe(true);
    expect(lines[1].endsWith(`,${c02.score}`)).toBe(true);
    expect(lines[3].startsWith(',,区域平均,')).toBe(true);
    expect(lines[3].endsWith(`,${Math.round(((c01.score + c02.score) / 2) * 10) / 10}`)).toBe(true);
    expect(lines[4]).toBe('');
    // The data-qualification rate differs: 100 % and 50 %.
    const column = lines[0].split(',').indexOf('数据合格率(%)');
    expect([lines[1].split(',')[column], lines[2].split(',')[column]]).toEqual(['50', '100']);
  });

  it('writes English headings and a workbook with the title, local period and table', async () => {
    expect(rankingCsv([c01], 'en').toString('utf8').split('\r\n')[1].startsWith('1,C01,C01 Transport,')).toBe(
      true,
    );
    const wb = new ExcelJS.Workbook();
    const buffer = await rankingXlsx(
      [c01, c02],
      { from: '2026-04-30T16:00:00.000Z', to: '2026-05-01T16:00:00.000Z' },
      'zh',
    );
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('排名')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('危险货物道路运输企业监控平台考核排名');
    expect(sheet.getRow(2).getCell(2).value).toBe('2026-05-01 00:00:00 – 2026-05-02 00:00:00 (UTC+8)');
    expect(sheet.getRow(5).getCell(2).value).toBe('C01');
    expect(sheet.getRow(7).getCell(3).value).toBe('区域平均');
  });
});
