import { byId } from '../dom';
import { onLangChange, t } from '../i18n';

const STORAGE_KEY = 'lg.sound';
/** While a red alert waits for someone, it sounds again this often. */
const REPEAT_MS = 20_000;

/**
 * The audible alarm: a two-tone beep from WebAudio (no sound file to load) when a red alert opens or
 * rises to red, repeated while an active red alert is unacknowledged. Off until switched on: browsers allow
 * audio only after a click, and the switch is that click.
 */
export class Siren {
  private ctx: AudioContext | undefined;
  private enabled = false;
  private readonly button = byId<HTMLButtonElement>('sound-toggle');
  private alarming = false;
  private lastBeep = 0;

  constructor() {
    this.button.hidden = false;
    this.button.addEventListener('click', () => this.toggle());
    try {
      this.enabled = localStorage.getItem(STORAGE_KEY) === 'on';
    } catch {
      this.enabled = false;
    }
    this.paint();
    onLangChange(() => this.paint());
    window.setInterval(() => {
      if (this.alarming && Date.now() - this.lastBeep >= REPEAT_MS) this.beep();
    }, 1000);
  }

  toggle(): void {
    this.enabled = !this.enabled;
    try {
      localStorage.setItem(STORAGE_KEY, this.enabled ? 'on' : 'off');
    } catch {
      // private mode: the switch lasts for this page
    }
    if (this.enabled) {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
      this.beep();
    }
    this.paint();
  }

  /** Whether some active red alert is unacknowledged; `fresh` when one just appeared. */
  update(alarming: boolean, fresh: boolean): void {
    this.alarming = alarming;
    if (fresh) this.beep();
  }

  beep(): void {
    this.lastBeep = Date.now();
    if (!this.enabled) return;
    this.ctx ??= new AudioContext();
    const ctx = this.ctx;
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime + 0.02;
    [880, 660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = freq;
      const t0 = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.15, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.21);
    });
  }

  private paint(): void {
    this.button.textContent = this.enabled ? t('sound.on') : t('sound.off');
    this.button.setAttribute('aria-pressed', String(this.enabled));
    this.button.classList.toggle('on', this.enabled);
  }
}
