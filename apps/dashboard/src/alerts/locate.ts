import type { Jt808Located } from '@lg/contracts/jt808';
import { ApiError, type Api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { formatDateTime } from '../time';

/** `POST /api/devices/{id}/locate` (docs/jt808.md): where the truck's terminal said it is. */
type Located = Jt808Located & { device: string };

/**
 * 位置查询: an operator asks a truck's JT/T 808 terminal where it is now (0x8201) and sees its answer
 * (0x0201), or that it did not answer within the gateway's deadline, or that it is not connected. The
 * answer is also stored as a reading by the platform, so the map follows without anything more here.
 */
export class LocationQuery {
  readonly el = h('div', { class: 'locate', 'data-role': 'locate' });
  private readonly button = h('button', { type: 'button', 'data-role': 'locate-ask' });
  private readonly result = h('p', { class: 'result', role: 'status', 'data-role': 'locate-result' });

  constructor(
    private readonly api: Api,
    private readonly device: string,
  ) {
    this.el.append(this.button, this.result);
    this.button.addEventListener('click', () => void this.ask());
    this.relabel();
  }

  /** Texts again after a change of language. */
  relabel(): void {
    this.button.textContent = t('locate.ask');
  }

  private async ask(): Promise<void> {
    this.button.disabled = true;
    this.result.textContent = t('locate.asking');
    this.result.dataset.state = 'asking';
    try {
      const at = await this.api.post<Located>(`/api/devices/${encodeURIComponent(this.device)}/locate`, {});
      this.result.dataset.state = 'answered';
      this.result.textContent = at.positioned
        ? t('locate.answered', {
            lat: at.lat.toFixed(6),
            lon: at.lon.toFixed(6),
            speed: at.speed.toFixed(1),
            time: at.time ? formatDateTime(at.time) : '—',
          })
        : t('locate.unpositioned', { time: at.time ? formatDateTime(at.time) : '—' });
    } catch (err) {
      // 504: asked, no answer in time; 409: no connected terminal; anything else as the API said it.
      const status = err instanceof ApiError ? err.status : 0;
      this.result.dataset.state = status === 504 ? 'unanswered' : 'failed';
      this.result.textContent =
        status === 504
          ? t('locate.unanswered')
          : status === 409
            ? t('locate.notConnected')
            : t('locate.failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.button.disabled = false;
    }
  }
}
