import { circlePolygon, type Closure } from '@lg/contracts/closures';
import type { HazardArea } from '@lg/contracts/hazards';
import type { Api } from '../api';
import { h, s } from '../dom';
import { label, onLangChange, t } from '../i18n';
import type { LonLat } from '../types';
import type { LiveMap } from './live-map';

/** How often the hazard areas and closures are read again, ms (they change with alerts and operators). */
const REFRESH_MS = 5000;

type Draft = { mode: 'polygon' | 'circle'; points: LonLat[] };

/**
 * One picture of the district's risks on the live map: the hazard areas of active red slopes and
 * orange/red gas alerts (`GET /api/hazards`) and the temporary closures (`GET /api/closures`). Operators
 * draw a closure — a polygon clicked corner by corner, or a radius around a clicked point — with a reason
 * and a duration, and lift it from the list; a company sees the closures in force.
 */
export class RiskOverlay {
  private hazards: HazardArea[] = [];
  private closures: Closure[] = [];
  private draft: Draft | undefined;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly error: HTMLElement;
  private readonly form: HTMLFormElement | undefined;

  constructor(
    private readonly map: LiveMap,
    container: HTMLElement,
    private readonly api: Api,
    private readonly operator: boolean,
  ) {
    const toggle = h(
      'button',
      { type: 'button', class: 'tool', 'data-i18n': 'closure.tool', 'data-test': 'closures-tool' },
      t('closure.tool'),
    );
    this.list = h('ul', { class: 'closure-list', 'data-test': 'closure-list' });
    this.error = h('p', { class: 'closure-error', role: 'alert' });
    this.form = operator ? this.buildForm() : undefined;
    this.panel = h(
      'div',
      { class: 'closures-panel', 'data-test': 'closures-panel', hidden: true },
      h('h3', { 'data-i18n': 'closure.title' }, t('closure.title')),
      this.list,
      this.form ?? null,
      this.error,
    );
    toggle.addEventListener('click', () => {
      this.panel.hidden = !this.panel.hidden;
      toggle.classList.toggle('on', !this.panel.hidden);
    });
    map.addTool(toggle);
    container.append(this.panel);
    onLangChange(() => this.render());
    void this.refresh();
    setInterval(() => void this.refresh(), REFRESH_MS);
  }

  async refresh(): Promise<void> {
    try {
      [this.hazards, this.closures] = await Promise.all([
        this.api.get<HazardArea[]>('/api/hazards'),
        this.api.get<Closure[]>('/api/closures'),
      ]);
      this.render();
    } catch (err) {
      console.warn('cannot load hazard areas or closures', err);
    }
  }

  private inForce(c: Closure): boolean {
    return c.liftedAt === undefined && Date.parse(c.to) > Date.now();
  }

  private render(): void {
    const layer = this.map.riskLayer();
    layer.replaceChildren();
    for (const a of this.hazards) {
      for (const p of a.points) {
        layer.append(
          s(
            'path',
            {
              class: `hazard hazard-${a.kind} sev-${a.severity}`,
              d: this.map.pathFor(circlePolygon(p.lat, p.lon, a.radiusM, 48), true),
              'data-hazard': a.id,
              'vector-effect': 'non-scaling-stroke',
            },
            s(
              'title',
              {},
              `${label('hazard', a.kind)} · ${label('sev', a.severity)} · ${a.name} (${a.radiusM} m)`,
            ),
          ),
        );
      }
    }
    const current = this.closures.filter((c) => this.inForce(c));
    for (const c of current) {
      layer.append(
        s(
          'path',
          {
            class: 'closure',
            d: this.map.pathFor(c.polygon, true),
            'data-closure': c.id,
            'vector-effect': 'non-scaling-stroke',
          },
          s('title', {}, `${t('closure.title')}: ${c.reason}`),
        ),
      );
    }
    if (this.draft && this.draft.points.length > 0) {
      const pts = this.draft.points;
      layer.append(
        s('path', {
          class: 'closure-draft',
          d:
            this.draft.mode === 'circle'
              ? this.map.pathFor(circlePolygon(pts[0][1], pts[0][0], this.radius(), 48), true)
              : this.map.pathFor(pts, pts.length > 2),
          'vector-effect': 'non-scaling-stroke',
        }),
      );
    }
    this.list.replaceChildren(
      ...(current.length === 0
        ? [h('li', { class: 'empty', 'data-i18n': 'closure.none' }, t('closure.none'))]
        : current.map((c) => this.row(c))),
    );
  }

  private row(c: Closure): HTMLElement {
    const until = new Date(c.to).toLocaleString();
    const li = h(
      'li',
      { 'data-closure': c.id },
      h('span', { class: `sev-dot sev-${c.severity}` }),
      h('span', { class: 'reason' }, c.reason),
      h('span', { class: 'until' }, t('closure.until', { time: until })),
      c.createdBy ? h('span', { class: 'by' }, c.createdBy) : null,
    );
    if (this.operator) {
      const lift = h(
        'button',
        { type: 'button', class: 'lift', 'data-test': 'closure-lift' },
        t('closure.lift'),
      );
      lift.addEventListener('click', () => void this.lift(c.id));
      li.append(lift);
    }
    return li;
  }

  private async lift(id: string): Promise<void> {
    try {
      await this.api.post(`/api/closures/${encodeURIComponent(id)}/lift`, {});
      this.error.textContent = '';
    } catch (err) {
      this.error.textContent = err instanceof Error ? err.message : String(err);
    }
    await this.refresh();
  }

  /** A text or number field of the form by name ('' when missing). */
  private value(name: string): string {
    const el = this.form?.elements.namedItem(name);
    return el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? el.value : '';
  }

  private radius(): number {
    const v = Number(this.value('radius'));
    return Number.isFinite(v) && v > 0 ? v : 300;
  }

  private buildForm(): HTMLFormElement {
    const field = (key: Parameters<typeof t>[0], input: HTMLElement) =>
      h('label', {}, h('span', { 'data-i18n': key }, t(key)), input);
    const mode = h(
      'select',
      { name: 'mode', 'data-test': 'closure-mode' },
      h('option', { value: 'polygon', 'data-i18n': 'closure.polygon' }, t('closure.polygon')),
      h('option', { value: 'circle', 'data-i18n': 'closure.circle' }, t('closure.circle')),
    );
    const draw = h('button', { type: 'button', 'data-test': 'closure-draw' }, t('closure.draw'));
    const save = h(
      'button',
      { type: 'submit', 'data-test': 'closure-save', disabled: true },
      t('closure.save'),
    );
    const cancel = h('button', { type: 'button', 'data-test': 'closure-cancel' }, t('closure.cancel'));
    const hint = h('p', { class: 'hint' });
    const form = h(
      'form',
      { class: 'closure-form', 'data-test': 'closure-form' },
      field('closure.reason', h('input', { name: 'reason', maxlength: 200, required: true })),
      field(
        'closure.hours',
        h('input', { name: 'hours', type: 'number', min: 0.25, max: 720, step: 0.25, value: 2 }),
      ),
      field('closure.mode', mode),
      field('closure.radius', h('input', { name: 'radius', type: 'number', min: 10, max: 5000, value: 300 })),
      h('div', { class: 'buttons' }, draw, save, cancel),
      hint,
    );
    const stop = () => {
      this.draft = undefined;
      this.map.setDrawing(undefined);
      save.disabled = true;
      hint.textContent = '';
      this.render();
    };
    const ready = () =>
      this.draft !== undefined &&
      (this.draft.mode === 'circle' ? this.draft.points.length === 1 : this.draft.points.length >= 3);
    draw.addEventListener('click', () => {
      this.draft = { mode: mode.value === 'circle' ? 'circle' : 'polygon', points: [] };
      hint.textContent = t(this.draft.mode === 'circle' ? 'closure.hint.circle' : 'closure.hint.polygon');
      this.map.setDrawing((at) => {
        if (!this.draft) return;
        if (this.draft.mode === 'circle') this.draft.points = [at];
        else this.draft.points.push(at);
        save.disabled = !ready();
        this.render();
      });
    });
    cancel.addEventListener('click', stop);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!this.draft || !ready()) return;
      const hours = Number(this.value('hours'));
      const body = {
        reason: this.value('reason').trim(),
        to: Date.now() + (Number.isFinite(hours) && hours > 0 ? hours : 2) * 3600_000,
        ...(this.draft.mode === 'circle'
          ? { circle: { lon: this.draft.points[0][0], lat: this.draft.points[0][1], radiusM: this.radius() } }
          : { polygon: this.draft.points }),
      };
      void this.api
        .post<Closure>('/api/closures', body)
        .then(() => {
          this.error.textContent = '';
          form.reset();
          stop();
          return this.refresh();
        })
        .catch((err: unknown) => {
          this.error.textContent = err instanceof Error ? err.message : String(err);
        });
    });
    onLangChange(() => {
      draw.textContent = t('closure.draw');
      save.textContent = t('closure.save');
      cancel.textContent = t('closure.cancel');
    });
    return form;
  }
}
