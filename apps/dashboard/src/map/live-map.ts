import { h, s } from '../dom';
import { label, onLangChange, t } from '../i18n';
import { schedule } from '../scheduler';
import type { DeviceState, Store } from '../state';
import type { Alert, LonLat, Severity } from '../types';
import { isOpen, worstByDevice } from '../alerts/order';
import { gcj02ToWgs84 } from './gcj02';
import { projector, tileUrl, tilesFor, tileZoom, unproject, type Point, type ViewBox } from './projection';

const ZOOM_STEP = 1.25;
const MIN_W = 8; // map units: about 200 m across
const TILES_KEY = 'lg.tiles';

/**
 * The live map, drawn from the platform's own data as SVG on a Web Mercator plane: the district outline,
 * expressway corridors, restricted zones, slope sites, gas detectors, slope sensors and trucks. It needs no
 * network. A tile layer is drawn underneath only when the deployment configures one (`GET /api/map` →
 * `tiles`), and then the data goes through GCJ-02 if the tiles are Chinese. Markers keep their size on screen
 * whatever the zoom; devices with an open alert carry a halo in the alert's colour (red pulses).
 */
export class LiveMap {
  private readonly svg: SVGSVGElement;
  private readonly layers: Record<'tiles' | 'base' | 'risk' | 'labels' | 'fixed' | 'trucks', SVGGElement>;
  /** Map units → WGS-84 `[lon, lat]` (the inverse of `project`), for what an operator draws. */
  private readonly toLonLat: (x: number, y: number) => LonLat;
  /** While an operator draws (a closure), a click on the map gives its place here instead of selecting. */
  private drawing: ((at: LonLat) => void) | undefined;
  private controlBox: HTMLElement | undefined;
  private readonly project: (lon: number, lat: number) => Point;
  private readonly home: ViewBox;
  private view: ViewBox;
  private readonly markers = new Map<string, SVGGElement>();
  /** Things drawn at a fixed screen size: markers and labels, with their place in map units. */
  private readonly scaled = new Map<SVGGElement, Point>();
  private k = 1;
  private worst = new Map<string, Severity>();
  private alertPlace = new Map<string, LonLat>();
  private selected: string | undefined;
  private tilesOn: boolean;
  private readonly tileImages = new Map<string, SVGImageElement>();

  constructor(
    private readonly container: HTMLElement,
    private readonly store: Store,
    private readonly onSelect: (deviceId: string) => void,
  ) {
    const tiles = store.map.tiles;
    this.project = projector(tiles?.crs ?? 'wgs84');
    this.toLonLat =
      tiles?.crs === 'gcj02' ? (x, y) => gcj02ToWgs84(...unproject(x, y)) : (x, y) => unproject(x, y);
    try {
      this.tilesOn = Boolean(tiles) && localStorage.getItem(TILES_KEY) !== 'off';
    } catch {
      this.tilesOn = Boolean(tiles);
    }
    const b = store.map.bounds;
    const [x0, y0] = this.project(b.west, b.north);
    const [x1, y1] = this.project(b.east, b.south);
    this.home = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    this.view = { ...this.home };
    this.svg = s('svg', { class: 'map-svg', role: 'img', 'aria-label': t('map.title') });
    this.layers = {
      tiles: s('g', { class: 'layer-tiles' }),
      base: s('g', { class: 'layer-base' }),
      risk: s('g', { class: 'layer-risk' }),
      labels: s('g', { class: 'layer-labels' }),
      fixed: s('g', { class: 'layer-fixed' }),
      trucks: s('g', { class: 'layer-trucks' }),
    };
    this.svg.append(
      this.layers.tiles,
      this.layers.base,
      this.layers.risk,
      this.layers.labels,
      this.layers.fixed,
      this.layers.trucks,
    );
    container.append(this.svg, this.controls(), this.legend());
    if (tiles?.attribution) container.append(h('div', { class: 'map-attribution' }, tiles.attribution));
    this.drawBase();
    this.syncDevices();
    this.interact();
    new ResizeObserver(() => this.invalidateView()).observe(container);
    store.on('positions', () => schedule('map-trucks', () => this.syncTrucks()));
    store.on('devices', () => schedule('map-devices', () => this.paintAll()));
    store.on('alerts', () => schedule('map-alerts', () => this.applyAlerts()));
    onLangChange(() => {
      this.layers.labels.replaceChildren();
      this.drawLabels();
      this.invalidateView();
    });
    this.invalidateView();
  }

  select(id: string | undefined): void {
    if (this.selected) this.markers.get(this.selected)?.classList.remove('selected');
    this.selected = id;
    if (id) this.markers.get(id)?.classList.add('selected');
  }

  /** Centres the map on a device if it has a place. */
  focus(id: string): void {
    const m = this.markers.get(id);
    const p = m ? this.scaled.get(m) : undefined;
    if (!p) return;
    const w = Math.min(this.view.w, this.home.w / 4);
    const hh = (w * this.view.h) / this.view.w;
    this.view = { x: p[0] - w / 2, y: p[1] - hh / 2, w, h: hh };
    this.invalidateView();
  }

  /** The layer of hazard areas and closures (drawn by `RiskOverlay`), above the registry's zones. */
  riskLayer(): SVGGElement {
    return this.layers.risk;
  }

  /** An SVG path of WGS-84 points in the map's projection. */
  pathFor(points: readonly LonLat[], close: boolean): string {
    return this.path(points, close);
  }

  /** Clicks on the map give their place to `handler` (drawing mode) until it is unset. */
  setDrawing(handler: ((at: LonLat) => void) | undefined): void {
    this.drawing = handler;
    this.svg.classList.toggle('drawing', handler !== undefined);
  }

  /** Adds a tool button to the map's controls. */
  addTool(button: HTMLElement): void {
    this.controlBox?.append(button);
  }

  // ---- drawing ---------------------------------------------------------------------------------------

  private path(points: readonly LonLat[], close: boolean): string {
    return (
      points
        .map(([lon, lat], i) => {
          const [x, y] = this.project(lon, lat);
          return `${i === 0 ? 'M' : 'L'}${x.toFixed(2)},${y.toFixed(2)}`;
        })
        .join('') + (close ? 'Z' : '')
    );
  }

  private drawBase(): void {
    const { map } = this.store;
    const base = this.layers.base;
    base.append(s('path', { class: 'district', d: this.path(map.outline, true) }));
    for (const c of map.corridors) {
      base.append(
        s(
          'path',
          { class: 'corridor', d: this.path(c.polyline, false), 'data-corridor': c.id },
          s('title', {}, c.name),
        ),
      );
    }
    for (const z of map.zones) {
      base.append(
        s(
          'path',
          { class: `zone zone-${z.type}`, d: this.path(z.polygon, true), 'data-zone': z.id },
          s(
            'title',
            {},
            z.name + (z.windows?.length ? ` (${z.windows.map((w) => `${w.from}–${w.to}`).join(', ')})` : ''),
          ),
        ),
      );
    }
    for (const site of map.slopeSites) {
      const g = s('g', { class: 'site' }, s('path', { d: 'M0,-9L8,6L-8,6Z' }), s('title', {}, site.name));
      this.layers.fixed.append(g);
      this.scaled.set(g, this.project(site.lon, site.lat));
    }
    this.drawLabels();
  }

  private drawLabels(): void {
    const add = (text: string, at: LonLat, cls: string) => {
      const g = s('g', { class: `label ${cls}` }, s('text', { y: -12, 'text-anchor': 'middle' }, text));
      this.layers.labels.append(g);
      this.scaled.set(g, this.project(...at));
    };
    for (const site of this.store.map.slopeSites)
      add(this.store.name(site.id), [site.lon, site.lat], 'site-label');
    for (const c of this.store.map.corridors) {
      const mid = c.polyline[Math.floor(c.polyline.length / 2)];
      if (mid) add(c.name, mid, 'corridor-label');
    }
    for (const z of this.store.map.zones) {
      const n = z.polygon.length;
      const lon = z.polygon.reduce((sum, p) => sum + p[0], 0) / n;
      const lat = z.polygon.reduce((sum, p) => sum + p[1], 0) / n;
      add(z.name, [lon, lat], 'zone-label');
    }
  }

  private markerFor(d: DeviceState): SVGGElement {
    let m = this.markers.get(d.id);
    if (m) return m;
    const shape =
      d.kind === 'truck'
        ? s('path', { class: 'shape', d: 'M0,-9L6,6L0,3L-6,6Z' })
        : d.kind === 'gas'
          ? s('circle', { class: 'shape', r: 5.5 })
          : s('rect', { class: 'shape', x: -4, y: -4, width: 8, height: 8, transform: 'rotate(45)' });
    m = s(
      'g',
      { class: `device ${d.kind}`, 'data-device': d.id, 'data-owner': d.owner, 'data-kind': d.kind },
      s('circle', { class: 'halo', r: 13 }),
      s('circle', { class: 'hit', r: 12 }),
      shape,
      s('title', {}, ''),
    );
    (d.kind === 'truck' ? this.layers.trucks : this.layers.fixed).append(m);
    this.markers.set(d.id, m);
    if (d.id === this.selected) m.classList.add('selected');
    return m;
  }

  /** Where a device is: its fixed place, a truck's latest fix, else where its latest open alert was. */
  private placeOf(d: DeviceState): LonLat | undefined {
    if (d.lat !== undefined && d.lon !== undefined) return [d.lon, d.lat];
    return d.kind === 'truck' ? this.alertPlace.get(d.id) : undefined;
  }

  private indexAlerts(): void {
    this.worst = worstByDevice(this.store.alerts.values());
    const latest = new Map<string, Alert>();
    for (const a of this.store.alerts.values()) {
      if (!a.location || !isOpen(a)) continue;
      const known = latest.get(a.device);
      if (!known || a.updatedAt > known.updatedAt) latest.set(a.device, a);
    }
    this.alertPlace = new Map(
      [...latest].map(([id, a]) => [id, [a.location!.lon, a.location!.lat] as LonLat]),
    );
  }

  private placeMarker(d: DeviceState): void {
    const at = this.placeOf(d);
    if (!at) return;
    const m = this.markerFor(d);
    const p = this.project(...at);
    this.scaled.set(m, p);
    m.setAttribute(
      'transform',
      `translate(${p[0].toFixed(2)},${p[1].toFixed(2)}) scale(${this.k.toPrecision(4)})`,
    );
    if (d.kind === 'truck') {
      const shape = m.querySelector('.shape');
      shape?.setAttribute('transform', `rotate(${Math.round(d.heading ?? 0)})`);
    }
    this.paint(m, d);
  }

  private paint(m: SVGGElement, d: DeviceState): void {
    const sev = this.worst.get(d.id);
    m.classList.toggle('offline', !d.online);
    for (const level of ['red', 'orange', 'yellow', 'blue'])
      m.classList.toggle(`alert-${level}`, sev === level);
    m.classList.toggle('alerting', sev !== undefined);
    if (sev) m.dataset.alert = sev;
    else delete m.dataset.alert;
    const title = m.querySelector('title');
    if (title) {
      const speed = d.kind === 'truck' && d.speed !== undefined ? ` ${Math.round(d.speed)} km/h` : '';
      title.textContent = `${this.store.deviceLabel(d.id)} (${d.id}) ${this.store.name(d.owner)}${speed}${
        sev ? ` · ${label('sev', sev)}` : ''
      }`;
    }
  }

  private syncDevices(): void {
    this.indexAlerts();
    for (const d of this.store.devices.values()) this.placeMarker(d);
  }

  private syncTrucks(): void {
    for (const d of this.store.devices.values()) if (d.kind === 'truck') this.placeMarker(d);
  }

  private paintAll(): void {
    for (const [id, m] of this.markers) {
      const d = this.store.devices.get(id);
      if (d) this.paint(m, d);
    }
  }

  private applyAlerts(): void {
    const before = this.worst;
    this.indexAlerts();
    // Repaint only the devices whose light changed: a burst of alerts must not repaint every marker.
    for (const id of new Set([...before.keys(), ...this.worst.keys()])) {
      if (before.get(id) === this.worst.get(id)) continue;
      const d = this.store.devices.get(id);
      if (!d) continue;
      // A truck never seen moving appears where its alert happened.
      if (!this.markers.has(id)) this.placeMarker(d);
      else this.paint(this.markers.get(id)!, d);
    }
  }

  // ---- view ------------------------------------------------------------------------------------------

  /** The part of the plane actually on screen (the view box, widened to the container's shape). */
  private visible(): ViewBox {
    const cw = this.container.clientWidth || 800;
    const ch = this.container.clientHeight || 600;
    const scale = Math.max(this.view.w / cw, this.view.h / ch);
    const w = cw * scale;
    const hh = ch * scale;
    return { x: this.view.x - (w - this.view.w) / 2, y: this.view.y - (hh - this.view.h) / 2, w, h: hh };
  }

  private invalidateView(): void {
    schedule('map-view', () => this.renderView());
  }

  private renderView(): void {
    const v = this.visible();
    this.svg.setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
    const k = v.w / (this.container.clientWidth || 800);
    const wall = document.body.dataset.layout === 'wall' ? 1.35 : 1;
    this.k = k * wall;
    // Place names crowd the whole district: they show once zoomed in (corridor names always).
    this.svg.classList.toggle('near', k < 0.6);
    const ks = this.k.toPrecision(4);
    for (const [g, p] of this.scaled) {
      g.setAttribute('transform', `translate(${p[0].toFixed(2)},${p[1].toFixed(2)}) scale(${ks})`);
    }
    this.renderTiles(v);
  }

  private renderTiles(v: ViewBox): void {
    const tiles = this.store.map.tiles;
    if (!tiles || !this.tilesOn) {
      if (this.tileImages.size) {
        this.layers.tiles.replaceChildren();
        this.tileImages.clear();
      }
      return;
    }
    const z = tileZoom(v.w, this.container.clientWidth || 800, tiles.maxZoom);
    const wanted = new Set<string>();
    for (const tile of tilesFor(v, z)) {
      const key = `${tile.z}/${tile.x}/${tile.y}`;
      wanted.add(key);
      if (this.tileImages.has(key)) continue;
      const img = s('image', {
        href: tileUrl(tiles.url, tile),
        x: tile.left,
        y: tile.top,
        width: tile.size,
        height: tile.size,
        preserveAspectRatio: 'none',
      });
      this.tileImages.set(key, img);
      this.layers.tiles.append(img);
    }
    for (const [key, img] of this.tileImages) {
      if (!wanted.has(key)) {
        img.remove();
        this.tileImages.delete(key);
      }
    }
  }

  private toPlane(clientX: number, clientY: number): Point {
    const rect = this.svg.getBoundingClientRect();
    const v = this.visible();
    return [
      v.x + ((clientX - rect.left) / rect.width) * v.w,
      v.y + ((clientY - rect.top) / rect.height) * v.h,
    ];
  }

  private zoomAt(p: Point, factor: number): void {
    const w = Math.max(MIN_W, Math.min(this.home.w * 4, this.view.w * factor));
    const f = w / this.view.w;
    this.view = {
      x: p[0] - (p[0] - this.view.x) * f,
      y: p[1] - (p[1] - this.view.y) * f,
      w,
      h: this.view.h * f,
    };
    this.invalidateView();
  }

  private interact(): void {
    this.svg.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        this.zoomAt(this.toPlane(ev.clientX, ev.clientY), ev.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
      },
      { passive: false },
    );
    let drag: { x: number; y: number; view: ViewBox; moved: boolean } | undefined;
    this.svg.addEventListener('pointerdown', (ev) => {
      drag = { x: ev.clientX, y: ev.clientY, view: { ...this.view }, moved: false };
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (!drag || ev.buttons === 0) return;
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) this.svg.setPointerCapture(ev.pointerId);
      drag.moved = true;
      const v = this.visible();
      const k = v.w / (this.container.clientWidth || 800);
      this.view = { ...drag.view, x: drag.view.x - dx * k, y: drag.view.y - dy * k };
      this.invalidateView();
    });
    this.svg.addEventListener('pointerup', (ev) => {
      const wasDrag = drag?.moved;
      drag = undefined;
      if (wasDrag) return;
      if (this.drawing) {
        const [x, y] = this.toPlane(ev.clientX, ev.clientY);
        const [lon, lat] = this.toLonLat(x, y);
        this.drawing([Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
        return;
      }
      const target = (ev.target as Element).closest<SVGGElement>('[data-device]');
      const id = target?.dataset.device;
      if (id) this.onSelect(id);
    });
    this.svg.addEventListener('dblclick', (ev) => {
      if (!this.drawing) this.zoomAt(this.toPlane(ev.clientX, ev.clientY), 1 / 2);
    });
  }

  private controls(): HTMLElement {
    const zoomIn = h('button', { type: 'button', class: 'tool', 'aria-label': '+' }, '+');
    const zoomOut = h('button', { type: 'button', class: 'tool', 'aria-label': '−' }, '−');
    const reset = h('button', { type: 'button', class: 'tool', 'data-i18n': 'map.reset' }, t('map.reset'));
    const centre = (): Point => [this.view.x + this.view.w / 2, this.view.y + this.view.h / 2];
    zoomIn.addEventListener('click', () => this.zoomAt(centre(), 1 / 1.5));
    zoomOut.addEventListener('click', () => this.zoomAt(centre(), 1.5));
    reset.addEventListener('click', () => {
      this.view = { ...this.home };
      this.invalidateView();
    });
    const box = h('div', { class: 'map-controls' }, zoomIn, zoomOut, reset);
    this.controlBox = box;
    if (this.store.map.tiles) {
      const toggle = h('button', { type: 'button', class: 'tool', 'data-i18n': 'map.tiles' }, t('map.tiles'));
      toggle.classList.toggle('on', this.tilesOn);
      toggle.addEventListener('click', () => {
        this.tilesOn = !this.tilesOn;
        toggle.classList.toggle('on', this.tilesOn);
        try {
          localStorage.setItem(TILES_KEY, this.tilesOn ? 'on' : 'off');
        } catch {
          // private mode
        }
        this.invalidateView();
      });
      box.append(toggle);
    }
    return box;
  }

  private legend(): HTMLElement {
    const item = (cls: string, key: Parameters<typeof t>[0]) =>
      h('li', {}, h('i', { class: `key ${cls}` }), h('span', { 'data-i18n': key }, t(key)));
    const items = [item('truck', 'map.legend.truck')];
    if (this.store.isOperator) items.push(item('gas', 'map.legend.gas'), item('slope', 'map.legend.slope'));
    items.push(item('zone', 'map.legend.zone'), item('corridor', 'map.legend.corridor'));
    return h('ul', { class: 'map-legend' }, ...items);
  }
}
