/**
 * The dashboard's two languages: Simplified Chinese (the default, for the duty officers) and English.
 * Static text in the page carries `data-i18n` (text), `data-i18n-title` or `data-i18n-placeholder`;
 * everything rendered from data calls `t()`. The choice is kept in localStorage.
 */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const zh = {
  'app.title': '龙岗区公共安全实时监测',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '用户名或密码错误',
  'login.limited': '登录失败次数过多，请稍后再试',
  'login.error': '无法登录：{error}',
  logout: '退出',
  close: '关闭',
  'conn.on': '实时连接',
  'conn.off': '未连接',
  'sound.on': '声音开',
  'sound.off': '声音关',
  'layout.wall': '大屏',
  'layout.laptop': '桌面',
  'role.operator': '指挥中心',
  'role.company': '企业',
  'sev.red': '红色',
  'sev.orange': '橙色',
  'sev.yellow': '黄色',
  'sev.blue': '蓝色',
  'kind.truck': '危化品车辆',
  'kind.slope': '边坡',
  'kind.gas': '燃气',
  'level.company': '企业',
  'level.grid': '网格',
  'level.community': '社区',
  'level.street': '街道',
  'level.district': '区',
  'rule.truck.overspeed': '超速',
  'rule.truck.restricted_zone': '闯入禁行区',
  'rule.truck.fatigue': '疲劳驾驶',
  'rule.truck.offline': '车辆离线',
  'rule.truck.moved_offline': '离线位移',
  'rule.truck.sos': '紧急报警',
  'rule.slope.displacement': '边坡位移',
  'rule.gas.lel': '可燃气体浓度',
  'rule.device.fault': '设备故障',
  'rule.device.offline': '设备离线',
  'transition.opened': '产生',
  'transition.raised': '升级',
  'transition.lowered': '降级',
  'transition.updated': '更新',
  'transition.cleared': '解除',
  'transition.reopened': '重新触发',
  'transition.acknowledged': '确认',
  'transition.escalated': '逐级上报',
  'transition.closed': '关闭',
  'alerts.title': '告警',
  'alerts.empty': '暂无告警',
  'alerts.open': '未关闭 {n}',
  'alerts.shown': '显示 {shown} / {total}',
  'filter.allKinds': '全部类型',
  'filter.allStreets': '全部街道',
  'filter.allCompanies': '全部企业',
  'filter.allSeverities': '全部级别',
  'filter.open': '未关闭',
  'filter.unacked': '未确认',
  'filter.all': '含已关闭',
  'filter.allStates': '全部状态',
  'state.active': '持续中',
  'state.cleared': '已解除',
  'state.acked': '已确认',
  'state.unacked': '未确认',
  'state.companyAcked': '企业已接警',
  'state.closed': '已关闭',
  'alert.detail': '告警详情',
  'alert.device': '设备',
  'alert.owner': '责任单位',
  'alert.value': '数值',
  'alert.threshold': '阈值',
  'alert.opened': '发生时间',
  'alert.updated': '更新时间',
  'alert.cleared': '解除时间',
  'alert.acked': '确认',
  'alert.count': '触发次数',
  'alert.escalation': '当前响应层级',
  'alert.escalationSince': '自 {time}',
  'alert.contacts': '值班联系人',
  'alert.actions': '处置措施',
  'alert.evacuate': '需撤离楼栋',
  'alert.occupants': '{n} 人',
  'alert.history': '处置记录',
  'alert.historyEmpty': '暂无记录',
  'alert.historyError': '无法读取记录：{error}',
  'alert.note': '处置说明（可选）',
  'alert.ack': '确认告警',
  'alert.ackedBy': '{who} 于 {time} 确认',
  'alert.ackFailed': '确认失败：{error}',
  'alert.companyAcked': '企业接警',
  'alert.awaitingDistrict': '红色告警仍待指挥中心确认',
  'alert.from': '（原 {sev}）',
  'alert.ackCleared': '已撤销 {who} 于 {time} 的确认，需重新确认',
  'alert.showDevice': '查看设备',
  'alert.location': '位置',
  'status.title': '设备状态',
  'status.total': '总数',
  'status.online': '在线',
  'status.offline': '离线',
  'status.fault': '故障',
  'status.lastSeen': '最后上报',
  'status.never': '从未上报',
  'status.allKinds': '全部设备',
  'status.allStates': '全部状态',
  'status.search': '编号 / 车牌 / 名称',
  'device.detail': '设备详情',
  'device.id': '编号',
  'device.name': '名称',
  'device.owner': '所属',
  'device.plate': '车牌',
  'device.hazmat': '危险品类别',
  'device.un': 'UN 编号',
  'device.grid': '网格',
  'device.street': '街道',
  'device.interval': '上报周期',
  'device.position': '当前位置',
  'device.speed': '速度',
  'device.alerts': '未关闭告警',
  'device.noAlerts': '无未关闭告警',
  'period.1h': '1 小时',
  'period.6h': '6 小时',
  'period.24h': '24 小时',
  'period.7d': '7 天',
  'chart.loading': '加载中…',
  'chart.empty': '该时段无数据',
  'chart.error': '无法读取数据：{error}',
  'chart.track': '行驶轨迹',
  'chart.speed': '速度 (km/h)',
  'chart.limit': '限速 {n}',
  'chart.violations': '超速点 {n} 个',
  'chart.disp': '累计位移 (mm)',
  'chart.rate': '位移速率 (mm/天)',
  'chart.rateLimit': '预警 {n} mm/天',
  'chart.lel': '可燃气体浓度 (%LEL)',
  'chart.level1': '一级报警 {n}%',
  'chart.level2': '二级报警 {n}%',
  'chart.truncated': '数据点过多，仅显示前 {n} 个',
  'map.title': '态势地图',
  'map.reset': '复位',
  'map.tiles': '底图',
  'map.legend.truck': '车辆',
  'map.legend.gas': '燃气探测器',
  'map.legend.slope': '边坡',
  'map.legend.zone': '禁行区',
  'map.legend.corridor': '高速通道',
  'unit.sec': '{n} 秒',
  'age.now': '刚刚',
  'age.sec': '{n} 秒前',
  'age.min': '{n} 分钟前',
  'age.hour': '{n} 小时前',
  'age.day': '{n} 天前',
  yes: '是',
  no: '否',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Longgang public-safety monitoring',
  'login.title': 'Log in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong user name or password',
  'login.limited': 'Too many failed logins: try again later',
  'login.error': 'Cannot log in: {error}',
  logout: 'Log out',
  close: 'Close',
  'conn.on': 'Live',
  'conn.off': 'Offline',
  'sound.on': 'Sound on',
  'sound.off': 'Sound off',
  'layout.wall': 'Wall',
  'layout.laptop': 'Desk',
  'role.operator': 'Command centre',
  'role.company': 'Company',
  'sev.red': 'Red',
  'sev.orange': 'Orange',
  'sev.yellow': 'Yellow',
  'sev.blue': 'Blue',
  'kind.truck': 'Hazmat trucks',
  'kind.slope': 'Slopes',
  'kind.gas': 'Gas',
  'level.company': 'Company',
  'level.grid': 'Grid',
  'level.community': 'Community',
  'level.street': 'Street',
  'level.district': 'District',
  'rule.truck.overspeed': 'Overspeed',
  'rule.truck.restricted_zone': 'Restricted zone',
  'rule.truck.fatigue': 'Fatigue driving',
  'rule.truck.offline': 'Truck offline',
  'rule.truck.moved_offline': 'Moved while offline',
  'rule.truck.sos': 'SOS',
  'rule.slope.displacement': 'Slope displacement',
  'rule.gas.lel': 'Combustible gas',
  'rule.device.fault': 'Device fault',
  'rule.device.offline': 'Device offline',
  'transition.opened': 'Opened',
  'transition.raised': 'Raised',
  'transition.lowered': 'Lowered',
  'transition.updated': 'Updated',
  'transition.cleared': 'Cleared',
  'transition.reopened': 'Reopened',
  'transition.acknowledged': 'Acknowledged',
  'transition.escalated': 'Escalated',
  'transition.closed': 'Closed',
  'alerts.title': 'Alerts',
  'alerts.empty': 'No alerts',
  'alerts.open': '{n} open',
  'alerts.shown': '{shown} of {total} shown',
  'filter.allKinds': 'All kinds',
  'filter.allStreets': 'All streets',
  'filter.allCompanies': 'All companies',
  'filter.allSeverities': 'All severities',
  'filter.open': 'Open',
  'filter.unacked': 'Unacknowledged',
  'filter.all': 'Including closed',
  'filter.allStates': 'Any state',
  'state.active': 'Active',
  'state.cleared': 'Cleared',
  'state.acked': 'Acknowledged',
  'state.unacked': 'Unacknowledged',
  'state.companyAcked': 'Taken by the company',
  'state.closed': 'Closed',
  'alert.detail': 'Alert',
  'alert.device': 'Device',
  'alert.owner': 'Owner',
  'alert.value': 'Value',
  'alert.threshold': 'Threshold',
  'alert.opened': 'Opened',
  'alert.updated': 'Updated',
  'alert.cleared': 'Cleared',
  'alert.acked': 'Acknowledged',
  'alert.count': 'Firings',
  'alert.escalation': 'Escalation level',
  'alert.escalationSince': 'since {time}',
  'alert.contacts': 'Duty contacts',
  'alert.actions': 'Actions',
  'alert.evacuate': 'Buildings to evacuate',
  'alert.occupants': '{n} occupants',
  'alert.history': 'History',
  'alert.historyEmpty': 'No transitions yet',
  'alert.historyError': 'Cannot read the history: {error}',
  'alert.note': 'Note (optional)',
  'alert.ack': 'Acknowledge',
  'alert.ackedBy': 'acknowledged by {who} at {time}',
  'alert.ackFailed': 'Acknowledgement failed: {error}',
  'alert.companyAcked': 'Taken by the company',
  'alert.awaitingDistrict': 'a red alert still awaits the command centre',
  'alert.from': '(was {sev})',
  'alert.ackCleared': 'acknowledgement by {who} at {time} cleared: take it again',
  'alert.showDevice': 'Show device',
  'alert.location': 'Location',
  'status.title': 'Devices',
  'status.total': 'Total',
  'status.online': 'Online',
  'status.offline': 'Offline',
  'status.fault': 'Fault',
  'status.lastSeen': 'Last seen',
  'status.never': 'never reported',
  'status.allKinds': 'All devices',
  'status.allStates': 'Any state',
  'status.search': 'ID / plate / name',
  'device.detail': 'Device',
  'device.id': 'ID',
  'device.name': 'Name',
  'device.owner': 'Owner',
  'device.plate': 'Plate',
  'device.hazmat': 'Hazmat class',
  'device.un': 'UN numbers',
  'device.grid': 'Grid',
  'device.street': 'Street',
  'device.interval': 'Reporting interval',
  'device.position': 'Position',
  'device.speed': 'Speed',
  'device.alerts': 'Open alerts',
  'device.noAlerts': 'No open alerts',
  'period.1h': '1 hour',
  'period.6h': '6 hours',
  'period.24h': '24 hours',
  'period.7d': '7 days',
  'chart.loading': 'Loading…',
  'chart.empty': 'No data in this period',
  'chart.error': 'Cannot read the data: {error}',
  'chart.track': 'Track',
  'chart.speed': 'Speed (km/h)',
  'chart.limit': 'limit {n}',
  'chart.violations': '{n} overspeed fixes',
  'chart.disp': 'Displacement (mm)',
  'chart.rate': 'Rate (mm/day)',
  'chart.rateLimit': 'warning {n} mm/day',
  'chart.lel': 'Combustible gas (%LEL)',
  'chart.level1': 'level 1 {n}%',
  'chart.level2': 'level 2 {n}%',
  'chart.truncated': 'Too many points: the first {n} are shown',
  'map.title': 'Map',
  'map.reset': 'Reset',
  'map.tiles': 'Base map',
  'map.legend.truck': 'Truck',
  'map.legend.gas': 'Gas detector',
  'map.legend.slope': 'Slope',
  'map.legend.zone': 'Restricted zone',
  'map.legend.corridor': 'Expressway',
  'unit.sec': '{n} s',
  'age.now': 'just now',
  'age.sec': '{n} s ago',
  'age.min': '{n} min ago',
  'age.hour': '{n} h ago',
  'age.day': '{n} d ago',
  yes: 'yes',
  no: 'no',
};

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'lg.lang';

let current: Lang = 'zh-CN';
const listeners = new Set<(lang: Lang) => void>();

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** A message in the current language, `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = MESSAGES[current][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The label of a key built from data (a rule, a level, a transition); the raw value when unknown. */
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

export function lang(): Lang {
  return current;
}

export function onLangChange(listener: (lang: Lang) => void): void {
  listeners.add(listener);
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  applyStatic(document);
  for (const listener of listeners) listener(next);
}

/** The stored choice, else Chinese. */
export function initLang(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  setLang(stored === 'en' ? 'en' : 'zh-CN');
}

/** Fills the static text of a subtree from its `data-i18n*` attributes. */
export function applyStatic(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n ?? '';
    if (isMessageKey(key)) el.textContent = t(key);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
    const key = el.dataset.i18nTitle ?? '';
    if (isMessageKey(key)) el.title = t(key);
  }
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    const key = el.dataset.i18nPlaceholder ?? '';
    if (isMessageKey(key)) el.placeholder = t(key);
  }
  document.title = t('app.title');
}

/**
 * Rule messages may carry both languages as `中文 / English`: the half in the current language, else the
 * whole message.
 */
export function localMessage(message: string): string {
  const parts = message.split(' / ');
  if (parts.length !== 2) return message;
  return current === 'en' ? parts[1] : parts[0];
}
