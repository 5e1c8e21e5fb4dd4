import ExcelJS from 'exceljs';
import { scoreCompany, tallyCompany, type CompanyInput } from './company';
import { localPeriod, localTime, periodLabel, scorecardCsv, scorecardXlsx, truckHeadings } from './export';
import { emptySlice } from './truck-slice';

const input: CompanyInput = {
  id: 'C01',
  name: '深圳市龙岗危险品运输公司1号',
  nameEn: 'Longgang Hazmat Transport 1',
  trucks: [{ id: 'T001', plate: '粤B·D1001' }, { id: 'T002' }],
  slices: new Map([
    [
      'T001',
      {
        ...emptySlice('T001', 'C01'),
        records: 4,
        qualified: 3,
        reasons: { speed_out_of_range: 1 },
        mileageM: 2000,
        completeM: 1500,
        gapCount: 1,
        unqualified: [{ ts: 0, reasons: ['speed_out_of_range'], lat: 22.7, lon: 114.2, speed: 200 }],
      },
    ],
  ]),
  onNetwork: new Set(['T001']),
  dutyCheck: { rate: 1, source: 'default' },
};
const detail = scoreCompany(
  input,
  tallyCompany(input),
  { overspeedsPerVehicle: 0, fatigueHoursPerVehicle: 0 },
  10,
);
const period = { from: '2026-04-30T16:00:00.000Z', to: '2026-05-01T16:00:00.000Z' };

describe('exports', () => {
  it('writes CSV with a BOM and Chinese or English headings, one row per truck and a total', () => {
    const zh = scorecardCsv(detail, 'zh').toString('utf8');
    expect(zh.startsWith('\uFEFF车辆编号,车牌号,是否入网,是否上线,数据总数')).toBe(true);
    const lines = zh.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    // T001 first: fixing it gains 18.75 (qualification over its cut-off, completeness); T002 only 5.
    expect(lines[1]).toBe('T001,粤B·D1001,是,是,4,3,75,2,1.5,75,1,否,0,0,0,存在不合格数据；轨迹不完整,18.75');
    expect(lines[2]).toBe('T002,,否,否,0,0,,0,0,,0,否,0,0,0,从未上线,5');
    expect(lines[3]).toMatch(/^合计,/);
    const en = scorecardCsv(detail, 'en').toString('utf8');
    expect(en.slice(1).split('\r\n')[0]).toBe(truckHeadings('en').join(','));
    expect(en).toContain('T002,,no,no,');
  });

  it('writes an XLSX workbook with summary, vehicles and evidence sheets', async () => {
    const buffer = await scorecardXlsx(detail, period, 'zh');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '车辆', '问题明细']);
    const vehicles = wb.getWorksheet('车辆');
    expect((vehicles?.getRow(1).values as unknown[]).slice(1)).toEqual(truckHeadings('zh'));
    expect(vehicles?.getRow(2).getCell(1).value).toBe('T001');
    expect(vehicles?.getRow(3).getCell(1).value).toBe('T002');
    const summary = wb.getWorksheet('汇总');
    const scoreRow = summary?.getRow(summary.rowCount);
    expect(scoreRow?.getCell(1).value).toBe('总分');
    expect(scoreRow?.getCell(3).value).toBe(detail.score);
    // The period in local time, as the regulator's reports show it.
    expect(summary?.getRow(3).getCell(2).value).toBe('2026-05-01 00:00:00 – 2026-05-02 00:00:00 (UTC+8)');
    const en = new ExcelJS.Workbook();
    await en.xlsx.load((await scorecardXlsx(detail, period, 'en')) as unknown as ArrayBuffer);
    expect(en.worksheets.map((w) => w.name)).toEqual(['Summary', 'Vehicles', 'Evidence']);
  });

  it('shows times in Asia/Shanghai', () => {
    expect(localTime('2026-04-30T16:00:00.000Z')).toBe('2026-05-01 00:00:00');
    expect(localPeriod(period.from, period.to)).toBe('2026-05-01 00:00:00 – 2026-05-02 00:00:00 (UTC+8)');
  });

  it('names the period by local dates', () => {
    expect(periodLabel(period.from, period.to)).toBe('2026-05-01');
    expect(periodLabel(period.from, '2026-05-03T16:00:00.000Z')).toBe('2026-05-01_2026-05-03');
  });
});
