import { wallClockFields, type WallClockFields } from '@lg/contracts/wall-clock';
import { t } from './i18n';

/** Every time on the dashboard is shown in the command centre's zone, whatever the browser's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

function fields(ms: number): WallClockFields {
  return wallClockFields(ms, TIME_ZONE);
}

function toMs(time: string | number): number {
  return typeof time === 'number' ? time : Date.parse(time);
}

/** `2026-05-01 16:00:00` in Asia/Shanghai. */
export function formatDateTime(time: string | number): string {
  const ms = toMs(time);
  if (!Number.isFinite(ms)) return '';
  const f = fields(ms);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second}`;
}

/** `16:00:00` in Asia/Shanghai. */
export function formatTime(time: string | number): string {
  const ms = toMs(time);
  if (!Number.isFinite(ms)) return '';
  const f = fields(ms);
  return `${f.hour}:${f.minute}:${f.second}`;
}

/** A chart axis label: `16:00` within a day, `05-01 16:00` over longer spans. */
export function formatTick(ms: number, spanMs: number): string {
  const f = fields(ms);
  return spanMs > 86_400_000 ? `${f.month}-${f.day} ${f.hour}:${f.minute}` : `${f.hour}:${f.minute}`;
}

/** How long ago, in the current language: `3 分钟前` / `3 min ago`. */
export function formatAge(time: string | number, now: number): string {
  const s = Math.max(0, Math.floor((now - toMs(time)) / 1000));
  if (s < 5) return t('age.now');
  if (s < 60) return t('age.sec', { n: s });
  if (s < 3600) return t('age.min', { n: Math.floor(s / 60) });
  if (s < 86_400) return t('age.hour', { n: Math.floor(s / 3600) });
  return t('age.day', { n: Math.floor(s / 86_400) });
}
