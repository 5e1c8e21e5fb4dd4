import { lang } from './i18n';
import { isNewer, isOpen } from './alerts/order';
import type {
  Alert,
  DeviceEvent,
  DeviceKind,
  DeviceView,
  MapView,
  Named,
  Position,
  Principal,
} from './types';

/** A device as the dashboard knows it: the registry entry, its presence, and a truck's latest fix. */
export interface DeviceState extends DeviceView {
  speed?: number;
  heading?: number | null;
  /** Time of the latest fix (trucks), ISO-8601. */
  fixAt?: string;
}

export type Topic = 'alerts' | 'devices' | 'positions';

/** Closed alerts kept for the "including closed" view; open ones are all kept. */
const KEEP_CLOSED = 500;

/**
 * Everything the dashboard shows, fed by the REST API at start and by `/live` afterwards. Whatever the
 * server sends, nothing another tenant owns is kept: a company user's store holds its own trucks only.
 */
export class Store {
  readonly alerts = new Map<string, Alert>();
  readonly devices = new Map<string, DeviceState>();
  /** Alerts changed by a live event since the connection (re)opened: a snapshot must not undo them. */
  private readonly changedSinceConnect = new Set<string>();
  private readonly listeners = new Map<Topic, Set<() => void>>();
  private readonly names = new Map<string, Named>();
  private readonly gridStreet = new Map<string, string>();
  private readonly slopeGrid = new Map<string, string>();

  constructor(
    readonly user: Principal,
    readonly map: MapView,
    devices: DeviceView[],
  ) {
    for (const list of [
      map.streets,
      map.communities,
      map.grids,
      map.companies,
      map.pipelineNetworks,
      map.slopeSites,
      [map.district],
    ]) {
      for (const n of list) this.names.set(n.id, n);
    }
    const communityStreet = new Map(map.communities.map((c) => [c.id, c.street]));
    for (const g of map.grids) {
      const street = communityStreet.get(g.community);
      if (street) this.gridStreet.set(g.id, street);
    }
    for (const site of map.slopeSites) this.slopeGrid.set(site.id, site.grid);
    for (const d of devices) if (this.canSee(d)) this.devices.set(d.id, { ...d });
  }

  get isOperator(): boolean {
    return this.user.role === 'operator';
  }

  /** The tenant rule of contract v1, applied once more on this side. */
  canSee(subject: { kind: DeviceKind; owner: string }): boolean {
    return this.user.role === 'operator' || (subject.kind === 'truck' && subject.owner === this.user.company);
  }

  on(topic: Topic, listener: () => void): void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
  }

  private emit(topic: Topic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  /** A registry unit's name in the current language (English name when there is one). */
  name(id: string): string {
    const n = this.names.get(id);
    if (!n) return id;
    return lang() === 'en' && n.nameEn ? n.nameEn : n.name;
  }

  /** The street a fixed device belongs to (its grid's, or its slope site's grid's). */
  streetOfDevice(id: string): string | undefined {
    const d = this.devices.get(id);
    if (!d) return undefined;
    const grid = d.grid ?? this.slopeGrid.get(d.owner);
    return grid ? this.gridStreet.get(grid) : undefined;
  }

  streetOfAlert(a: Alert): string | undefined {
    return this.streetOfDevice(a.device) ?? (a.escalation.level === 'street' ? a.escalation.unit : undefined);
  }

  /** How a device is named on screen: a truck by its plate, others by name, else the ID. */
  deviceLabel(id: string): string {
    const d = this.devices.get(id);
    if (!d) return id;
    return d.plate ?? d.name ?? d.id;
  }

  // ---- alerts ----------------------------------------------------------------------------------------

  /** A live transition. Returns whether the kept copy changed. */
  upsertAlert(a: Alert): boolean {
    if (!this.canSee(a)) return false;
    this.changedSinceConnect.add(a.id);
    if (!isNewer(a, this.alerts.get(a.id))) return false;
    this.alerts.set(a.id, a);
    this.pruneClosed();
    this.emit('alerts');
    return true;
  }

  /**
   * The open alerts sent on (re)connect replace the open ones we hold, except those a live event changed
   * since the connection opened (the snapshot may be older than them).
   */
  replaceOpen(open: Alert[]): void {
    const fresh = new Set(open.map((a) => a.id));
    for (const [id, a] of this.alerts) {
      if (isOpen(a) && !fresh.has(id) && !this.changedSinceConnect.has(id)) this.alerts.delete(id);
    }
    for (const a of open) {
      if (this.canSee(a) && isNewer(a, this.alerts.get(a.id))) this.alerts.set(a.id, a);
    }
    this.emit('alerts');
  }

  /** Closed alerts fetched for the "including closed" view. */
  addClosed(list: Alert[]): void {
    for (const a of list) if (this.canSee(a) && isNewer(a, this.alerts.get(a.id))) this.alerts.set(a.id, a);
    this.pruneClosed();
    this.emit('alerts');
  }

  connectionOpened(): void {
    this.changedSinceConnect.clear();
  }

  private pruneClosed(): void {
    let closed = 0;
    for (const a of this.alerts.values()) if (!isOpen(a)) closed++;
    if (closed <= KEEP_CLOSED) return;
    const oldest = [...this.alerts.values()]
      .filter((a) => !isOpen(a))
      .sort((x, y) => (x.updatedAt < y.updatedAt ? -1 : 1))
      .slice(0, closed - KEEP_CLOSED);
    for (const a of oldest) this.alerts.delete(a.id);
  }

  openAlertsOf(device: string): Alert[] {
    return [...this.alerts.values()].filter((a) => a.device === device && isOpen(a));
  }

  // ---- devices ---------------------------------------------------------------------------------------

  applyPositions(list: Position[]): void {
    let changed = false;
    for (const p of list) {
      if (!this.canSee({ kind: 'truck', owner: p.owner })) continue;
      const d = this.devices.get(p.id);
      if (!d || d.kind !== 'truck') continue;
      if (d.fixAt && d.fixAt > p.ts) continue;
      d.lat = p.lat;
      d.lon = p.lon;
      d.speed = p.speed;
      d.heading = p.heading;
      d.fixAt = p.ts;
      if (!d.lastSeen || d.lastSeen < p.ts) d.lastSeen = p.ts;
      changed = true;
    }
    if (changed) this.emit('positions');
  }

  applyDeviceEvent(e: DeviceEvent): void {
    if (!this.canSee(e)) return;
    const d = this.devices.get(e.id);
    if (!d) return;
    d.online = e.online;
    if (e.online && (!d.lastSeen || d.lastSeen < e.ts)) d.lastSeen = e.ts;
    this.emit('devices');
  }

  /** A reading newer than the device's last seen time turned up (e.g. in a chart's data). */
  noteSeen(id: string, ts: string): void {
    const d = this.devices.get(id);
    if (!d || (d.lastSeen && d.lastSeen >= ts)) return;
    d.lastSeen = ts;
    this.emit('devices');
  }

  /** Devices with an open, active fault alert: they cannot see, whatever they report. */
  faultyDevices(): Set<string> {
    const faulty = new Set<string>();
    for (const a of this.alerts.values()) if (a.rule === 'device.fault' && a.active) faulty.add(a.device);
    return faulty;
  }
}
