import { Api, ApiError } from './api';
import { AlertDetail } from './alerts/detail';
import { AlertList } from './alerts/list';
import { IncidentDetail } from './alerts/incident-detail';
import { isAlarming } from './alerts/order';
import { Siren } from './alerts/sound';
import { DeviceDetail, type GasThresholds } from './devices/detail';
import { DeviceStatusPanel } from './devices/status';
import { byId } from './dom';
import { onLangChange, t } from './i18n';
import { LiveFeed } from './live';
import { LiveMap } from './map/live-map';
import { RiskOverlay } from './map/risk-overlay';
import { schedule } from './scheduler';
import type { Session } from './session';
import { Store } from './state';
import type { Alert, DeviceView, MapView, RuleView, Severity } from './types';
import { Workspace } from './workspace/workspace';

const DEFAULT_GAS: GasThresholds = { orange: 25, red: 50 };

/** The gas.lel thresholds of `GET /api/rules` for a detector (its own override, else the rule's). */
function gasThresholdsFrom(rules: RuleView[] | null): (device: string) => GasThresholds {
  const rule = rules?.find((r) => r.rule === 'gas.lel');
  const pick = (o: unknown): Partial<GasThresholds> => {
    if (!o || typeof o !== 'object') return {};
    const { orange, red } = o as Record<string, unknown>;
    return {
      ...(typeof orange === 'number' ? { orange } : {}),
      ...(typeof red === 'number' ? { red } : {}),
    };
  };
  const base = { ...DEFAULT_GAS, ...pick(rule?.config) };
  return (device) => ({ ...base, ...pick(rule?.devices?.[device]) });
}

/** The logged-in dashboard: loads the registry map and devices, then lives on `/live`. */
export async function startDashboard(session: Session, logout: () => void): Promise<void> {
  const api = new Api(session.token, logout);
  const operator = session.user.role === 'operator';
  const [map, devices, rules] = await Promise.all([
    api.get<MapView>('/api/map'),
    api.get<DeviceView[]>('/api/devices'),
    // The thresholds drawn on LEL charts; operators only, and the defaults do without them.
    operator ? api.get<RuleView[]>('/api/rules').catch(() => null) : Promise.resolve(null),
  ]);
  const store = new Store(session.user, map, devices);
  const siren = new Siren();
  const alarming = (a: Alert) => isAlarming(a, session.user.role);

  type Open =
    | { kind: 'alert'; view: AlertDetail }
    | { kind: 'device'; view: DeviceDetail }
    | { kind: 'incident'; view: IncidentDetail };
  let open: Open | undefined;
  const drawer = byId('drawer');
  const drawerBody = byId('drawer-body');

  const closeDrawer = () => {
    if (open?.kind === 'alert') open.view.close();
    open = undefined;
    drawer.hidden = true;
    drawerBody.replaceChildren();
    alertList.select(undefined);
    liveMap.select(undefined);
    statusPanel.select(undefined);
  };

  // The severity the person saw goes along: an alert raised meanwhile is refused, to be looked at again.
  const acknowledge = async (id: string, note: string | undefined, severity: Severity): Promise<Alert> => {
    if (feed.connected) return feed.acknowledge(id, note, severity);
    return api.post<Alert>(`/api/alerts/${encodeURIComponent(id)}/ack`, {
      ...(note ? { note } : {}),
      severity,
    });
  };

  const showAlert = (alert: Alert) => {
    if (open?.kind === 'alert') open.view.close();
    const view = new AlertDetail(store.alerts.get(alert.id) ?? alert, {
      store,
      api,
      acknowledge,
      showDevice: (id) => showDevice(id),
      operator,
    });
    open = { kind: 'alert', view };
    drawerBody.replaceChildren(view.el);
    drawer.hidden = false;
    drawer.dataset.kind = 'alert';
    alertList.select(alert.id);
    liveMap.select(alert.device);
  };

  const showDevice = (id: string) => {
    if (!store.devices.has(id)) return;
    if (open?.kind === 'alert') open.view.close();
    const view = new DeviceDetail(id, { store, api, gasThresholds: gasThresholdsFrom(rules), showAlert });
    open = { kind: 'device', view };
    drawerBody.replaceChildren(view.el);
    drawer.hidden = false;
    drawer.dataset.kind = 'device';
    liveMap.select(id);
    statusPanel.select(id);
  };

  const showIncident = (id: string) => {
    if (open?.kind === 'alert') open.view.close();
    const view = new IncidentDetail(id, { store, api, showAlert });
    open = { kind: 'incident', view };
    drawerBody.replaceChildren(view.el);
    drawer.hidden = false;
    drawer.dataset.kind = 'incident';
    alertList.select(id);
  };

  const alertList = new AlertList(
    store,
    showAlert,
    async () => {
      try {
        store.addClosed(
          await api.get<Alert[]>('/api/alerts', { active: false, acknowledged: true, limit: 500 }),
        );
      } catch (err) {
        console.warn('cannot load closed alerts', err);
      }
    },
    showIncident,
    (ids, note) =>
      api.post<{ acknowledged: string[]; skipped: unknown[] }>('/api/alerts/ack-cleared', { ids, note }),
  );
  const liveMap = new LiveMap(byId('map'), store, (id) => {
    const alerting = store.openAlertsOf(id);
    // A lit device opens its alert; a quiet one its details.
    if (alerting.length === 1) showAlert(alerting[0]);
    else showDevice(id);
  });
  new RiskOverlay(liveMap, byId('map'), api, operator);
  const statusPanel = new DeviceStatusPanel(store, showDevice);

  byId('drawer-close').addEventListener('click', closeDrawer);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && open) closeDrawer();
  });

  store.on('alerts', () => {
    schedule('drawer', () => {
      if (open?.kind === 'alert') {
        const a = store.alerts.get(open.view.id);
        if (a) open.view.update(a);
      } else if (open?.kind === 'device' || open?.kind === 'incident') open.view.update();
    });
  });
  store.on('devices', () =>
    schedule('drawer-device', () => (open?.kind === 'device' ? open.view.update() : undefined)),
  );
  onLangChange(() => (open?.kind === 'incident' ? open.view.update() : open?.view.refresh()));

  const conn = byId('conn');
  const paintConn = (on: boolean) => {
    conn.hidden = false;
    conn.className = `conn ${on ? 'on' : 'off'}`;
    conn.dataset.i18n = on ? 'conn.on' : 'conn.off';
    conn.textContent = t(on ? 'conn.on' : 'conn.off');
  };
  paintConn(false);

  let initial = true;
  const feed = new LiveFeed(session.token, {
    connected: () => {
      store.connectionOpened();
      paintConn(true);
    },
    disconnected: () => paintConn(false),
    unauthorized: logout,
    alerts: (list) => {
      store.replaceOpen(list);
      siren.update([...store.alerts.values()].some(alarming), false);
      initial = false;
    },
    alert: (a) => {
      const before = store.alerts.get(a.id);
      if (!store.upsertAlert(a)) return;
      // A raise to red clears the acknowledgement: the alert is fresh again, and beeps.
      const fresh = !initial && alarming(a) && !(before && alarming(before));
      siren.update(fresh || [...store.alerts.values()].some(alarming), fresh);
    },
    positions: (list) => store.applyPositions(list),
    device: (e) => store.applyDeviceEvent(e),
    rejection: (r) => workspace.onRejection(r),
    dutyCheck: (c) => workspace.onDutyCheck(c),
    link: (c) => workspace.onLink(c),
  });
  const workspace = new Workspace(api, session.user);
  window.addEventListener('pagehide', () => feed.close());
}

/** A login error in words. */
export function loginError(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return t('login.failed');
  if (err instanceof ApiError && err.status === 429) return t('login.limited');
  return t('login.error', { error: err instanceof Error ? err.message : String(err) });
}
