/**
 * The synthetic geography of Longgang district the demo registry is generated from: street centres,
 * expressway corridors, restricted zones, pipeline networks and the ordinary roads the simulated trucks
 * drive. Everything lies inside lat 22.55–22.85, lon 114.00–114.45. The lines follow the rough course of
 * real roads (the Shuiguan, Jihe, Shenshan, Yanpai, Qingping and Outer Ring expressways; Longgang Avenue,
 * Shenhui road, Banxuegang Avenue…) but are hand-drawn approximations, not surveyed geometry; zone shapes,
 * schools, tunnels and names of people, companies and buildings are invented.
 */

/** `[lat, lon]`, degrees: the order in which points are written below. */
export type LatLonPair = readonly [number, number];

export interface StreetSpec {
  /** Street code in IDs: `ST-PH`, `CM-PH1`, `GR-PH11`. */
  code: string;
  name: string;
  nameEn: string;
  centre: LatLonPair;
  /** Communities are spread within this radius of the centre, km. */
  radiusKm: number;
  /** Community names (without 社区), as many as the street has communities. */
  communities: readonly string[];
}

/** The 11 streets and their 109 communities. Community 1 of 坂田 and of 布吉 anchor fixtures the tests use. */
export const STREETS: readonly StreetSpec[] = [
  {
    code: 'PH',
    name: '平湖街道',
    nameEn: 'Pinghu',
    centre: [22.69, 114.125],
    radiusKm: 3,
    communities: [
      '平湖',
      '山厦',
      '辅城坳',
      '新木',
      '鹅公岭',
      '良安田',
      '白坭坑',
      '新南',
      '力昌',
      '上木古',
      '禾花',
    ],
  },
  {
    code: 'BT',
    name: '坂田街道',
    nameEn: 'Bantian',
    centre: [22.633, 114.068],
    radiusKm: 2.5,
    communities: [
      '雪象',
      '岗头',
      '马安堂',
      '杨美',
      '南坑',
      '五和',
      '大发埔',
      '象角塘',
      '新雪',
      '坂田',
      '四季花城',
      '万科城',
    ],
  },
  {
    code: 'BJ',
    name: '布吉街道',
    nameEn: 'Buji',
    centre: [22.607, 114.122],
    radiusKm: 2,
    communities: ['布吉', '罗岗', '木棉湾', '大芬', '龙珠', '德兴', '国展', '长龙', '金排', '布吉圩', '茂业'],
  },
  {
    code: 'NW',
    name: '南湾街道',
    nameEn: 'Nanwan',
    centre: [22.612, 114.158],
    radiusKm: 2.2,
    communities: ['南岭村', '沙湾', '下李朗', '上李朗', '丹竹头', '樟树布', '南龙', '厦村', '沙塘布', '宝岭'],
  },
  {
    code: 'HG',
    name: '横岗街道',
    nameEn: 'Henggang',
    centre: [22.648, 114.205],
    radiusKm: 2.5,
    communities: ['横岗', '六约', '四联', '松柏', '华侨新村', '新塘', '怡锦', '茂盛', '红棉', '龙岗村'],
  },
  {
    code: 'LC',
    name: '龙城街道',
    nameEn: 'Longcheng',
    centre: [22.72, 114.242],
    radiusKm: 2.5,
    communities: [
      '龙西',
      '五联',
      '爱联',
      '回龙埔',
      '嶂背',
      '黄阁坑',
      '尚景',
      '愉园',
      '盛平',
      '龙红格',
      '吉祥',
      '紫薇',
    ],
  },
  {
    code: 'LG',
    name: '龙岗街道',
    nameEn: 'Longgang',
    centre: [22.738, 114.282],
    radiusKm: 2.5,
    communities: ['龙岗', '南联', '新生', '平南', '龙东', '南约', '同乐', '赤石岗', '新布', '大埔'],
  },
  {
    code: 'PD',
    name: '坪地街道',
    nameEn: 'Pingdi',
    centre: [22.775, 114.318],
    radiusKm: 2.5,
    communities: ['坪地', '坪东', '坪西', '六联', '中心', '年丰', '高桥', '四方埔'],
  },
  {
    code: 'JH',
    name: '吉华街道',
    nameEn: 'Jihua',
    centre: [22.65, 114.1],
    radiusKm: 2,
    communities: ['甘坑', '水径', '三联', '上水径', '光华', '丽湖', '翠湖', '中海怡翠', '吉华'],
  },
  {
    code: 'YS',
    name: '园山街道',
    nameEn: 'Yuanshan',
    centre: [22.655, 114.255],
    radiusKm: 2.5,
    communities: ['大康', '保安', '安良', '西坑', '荷坳', '银荷', '园山', '简龙'],
  },
  {
    code: 'BL',
    name: '宝龙街道',
    nameEn: 'Baolong',
    centre: [22.7, 114.3],
    radiusKm: 2.5,
    communities: ['宝龙', '同心', '龙新', '宝新', '沙背坜', '南坑村', '鸿基', '宝岭村'],
  },
];

export interface CorridorSpec {
  id: string;
  name: string;
  points: readonly LatLonPair[];
}

/** Expressway corridors: hazmat trucks may do 80 km/h within `CORRIDOR_HALF_WIDTH_M` of these lines. */
export const CORRIDORS: readonly CorridorSpec[] = [
  {
    id: 'CR-SHUIGUAN',
    name: '水官高速',
    points: [
      [22.6225, 114.05],
      [22.624, 114.07],
      [22.625, 114.09],
      [22.6265, 114.11],
      [22.63, 114.13],
      [22.636, 114.15],
      [22.644, 114.17],
      [22.653, 114.188],
      [22.662, 114.205],
      [22.669, 114.225],
    ],
  },
  {
    id: 'CR-JIHE',
    name: '机荷高速',
    points: [
      [22.67, 114.015],
      [22.668, 114.04],
      [22.67, 114.065],
      [22.676, 114.09],
      [22.68, 114.115],
      [22.679, 114.14],
      [22.674, 114.165],
      [22.67, 114.19],
      [22.669, 114.225],
    ],
  },
  {
    id: 'CR-SHENSHAN',
    name: '沈海高速（深汕段）',
    points: [
      [22.669, 114.225],
      [22.685, 114.245],
      [22.7, 114.265],
      [22.715, 114.285],
      [22.73, 114.305],
      [22.748, 114.325],
      [22.765, 114.35],
      [22.78, 114.38],
      [22.795, 114.41],
    ],
  },
  {
    id: 'CR-YANPAI',
    name: '盐排高速',
    points: [
      [22.585, 114.235],
      [22.61, 114.228],
      [22.635, 114.218],
      [22.66, 114.208],
      [22.69, 114.19],
      [22.72, 114.17],
      [22.75, 114.15],
      [22.78, 114.135],
    ],
  },
  {
    id: 'CR-QINGPING',
    name: '清平高速',
    points: [
      [22.59, 114.1],
      [22.615, 114.103],
      [22.64, 114.105],
      [22.665, 114.108],
      [22.69, 114.11],
      [22.715, 114.108],
      [22.74, 114.105],
    ],
  },
  {
    id: 'CR-WAIHUAN',
    name: '深圳外环高速',
    points: [
      [22.745, 114.04],
      [22.75, 114.08],
      [22.755, 114.12],
      [22.77, 114.16],
      [22.79, 114.2],
      [22.8, 114.25],
      [22.795, 114.29],
      [22.785, 114.33],
    ],
  },
];

export const EXPRESSWAY_LIMIT_KMH = 80;
export const CORRIDOR_HALF_WIDTH_M = 60;

/** A zone as the generator draws it: a tunnel is a strip along a segment, the rest are shapes around a centre. */
export type ZoneShape =
  | { kind: 'strip'; from: LatLonPair; to: LatLonPair; halfWidthM: number }
  | { kind: 'round'; centre: LatLonPair; radiusM: number; sides: number }
  | { kind: 'square'; centre: LatLonPair; halfSideM: number };

export interface ZoneSpec {
  id: string;
  name: string;
  type: 'tunnel' | 'water_source' | 'school' | 'other';
  shape: ZoneShape;
  severity?: 'blue' | 'yellow' | 'orange' | 'red';
  windows?: ReadonlyArray<{ from: string; to: string }>;
  /** Street whose nearest grid is responsible for the area. */
  street: string;
}

/** School hours: the ban holds while children come and go. */
export const SCHOOL_WINDOWS = [
  { from: '07:00', to: '08:30' },
  { from: '16:30', to: '18:00' },
] as const;

export const ZONES: readonly ZoneSpec[] = [
  {
    id: 'ZN-TN-01',
    name: '丹竹头隧道（危化品禁行）',
    type: 'tunnel',
    shape: { kind: 'strip', from: [22.618, 114.19], to: [22.6215, 114.195], halfWidthM: 30 },
    severity: 'red',
    street: 'NW',
  },
  {
    id: 'ZN-TN-02',
    name: '园山隧道（危化品禁行）',
    type: 'tunnel',
    shape: { kind: 'strip', from: [22.642, 114.27], to: [22.646, 114.276], halfWidthM: 30 },
    severity: 'red',
    street: 'YS',
  },
  {
    id: 'ZN-TN-03',
    name: '大运隧道（危化品禁行）',
    type: 'tunnel',
    shape: { kind: 'strip', from: [22.695, 114.212], to: [22.699, 114.217], halfWidthM: 30 },
    severity: 'red',
    street: 'LC',
  },
  {
    id: 'ZN-WS-01',
    name: '清林径水库一级水源保护区',
    type: 'water_source',
    shape: { kind: 'round', centre: [22.752, 114.225], radiusM: 1200, sides: 9 },
    severity: 'red',
    street: 'LC',
  },
  {
    id: 'ZN-WS-02',
    name: '铜锣径水库水源保护区',
    type: 'water_source',
    shape: { kind: 'round', centre: [22.605, 114.255], radiusM: 1000, sides: 8 },
    severity: 'red',
    street: 'YS',
  },
  {
    id: 'ZN-WS-03',
    name: '炳坑水库水源保护区',
    type: 'water_source',
    shape: { kind: 'round', centre: [22.69, 114.335], radiusM: 800, sides: 7 },
    street: 'BL',
  },
  {
    id: 'ZN-SC-01',
    name: '平湖中心小学周边',
    type: 'school',
    shape: { kind: 'square', centre: [22.7, 114.138], halfSideM: 150 },
    severity: 'orange',
    windows: SCHOOL_WINDOWS,
    street: 'PH',
  },
  {
    id: 'ZN-SC-02',
    name: '坂田实验学校周边',
    type: 'school',
    shape: { kind: 'square', centre: [22.645, 114.055], halfSideM: 150 },
    severity: 'orange',
    windows: SCHOOL_WINDOWS,
    street: 'BT',
  },
  {
    id: 'ZN-SC-03',
    name: '龙城初级中学周边',
    type: 'school',
    shape: { kind: 'square', centre: [22.728, 114.23], halfSideM: 150 },
    severity: 'orange',
    windows: SCHOOL_WINDOWS,
    street: 'LC',
  },
  {
    id: 'ZN-SC-04',
    name: '横岗中学周边',
    type: 'school',
    shape: { kind: 'square', centre: [22.63, 114.2], halfSideM: 150 },
    severity: 'orange',
    windows: SCHOOL_WINDOWS,
    street: 'HG',
  },
  {
    id: 'ZN-NT-01',
    name: '布吉老街夜间禁行区',
    type: 'other',
    shape: { kind: 'round', centre: [22.601, 114.113], radiusM: 250, sides: 6 },
    severity: 'yellow',
    windows: [{ from: '00:00', to: '06:00' }],
    street: 'BJ',
  },
];

/** An ordinary road (hazmat limit 60 km/h) the simulated fleet drives. */
export interface RoadSpec {
  id: string;
  name: string;
  points: readonly LatLonPair[];
}

export const ROAD_LIMIT_KMH = 60;

export const ROADS: readonly RoadSpec[] = [
  {
    id: 'longgang-avenue',
    name: '龙岗大道（布吉—龙岗中心城）',
    points: [
      [22.604, 114.118],
      [22.61, 114.13],
      [22.6185, 114.148],
      [22.629, 114.17],
      [22.642, 114.192],
      [22.652, 114.207],
      [22.67, 114.222],
      [22.689, 114.235],
      [22.705, 114.244],
      [22.72, 114.248],
    ],
  },
  {
    id: 'shenhui-road',
    name: '深惠路（龙岗中心城—坪地）',
    points: [
      [22.72, 114.248],
      [22.73, 114.265],
      [22.745, 114.285],
      [22.76, 114.305],
      [22.77, 114.325],
    ],
  },
  {
    id: 'pinghu-buji',
    name: '平湖—布吉',
    points: [
      [22.69, 114.125],
      [22.677, 114.119],
      [22.665, 114.115],
      [22.64, 114.11],
      [22.615, 114.112],
    ],
  },
  {
    id: 'baolong-longcheng',
    name: '宝龙工业城—龙城',
    points: [
      [22.735, 114.295],
      [22.73, 114.28],
      [22.725, 114.27],
      [22.72, 114.255],
      [22.712, 114.238],
    ],
  },
  {
    id: 'banxuegang-avenue',
    name: '坂雪岗大道',
    points: [
      [22.6, 114.066],
      [22.615, 114.066],
      [22.63, 114.067],
      [22.645, 114.069],
      [22.66, 114.071],
      [22.672, 114.073],
    ],
  },
  {
    id: 'jihua-road',
    name: '吉华路',
    points: [
      [22.625, 114.088],
      [22.64, 114.094],
      [22.655, 114.099],
      [22.67, 114.1],
    ],
  },
  {
    id: 'shawan-road',
    name: '沙湾路（南湾）',
    points: [
      [22.585, 114.135],
      [22.6, 114.14],
      [22.615, 114.16],
      [22.63, 114.172],
    ],
  },
  {
    id: 'dakang-road',
    name: '大康路（园山）',
    points: [
      [22.64, 114.24],
      [22.655, 114.26],
      [22.665, 114.28],
    ],
  },
  {
    id: 'hengping-road',
    name: '横坪公路',
    points: [
      [22.655, 114.215],
      [22.668, 114.238],
      [22.685, 114.258],
      [22.7, 114.278],
      [22.715, 114.3],
    ],
  },
  {
    id: 'pingdi-road',
    name: '龙岗大道（坪地段）',
    points: [
      [22.755, 114.3],
      [22.765, 114.315],
      [22.778, 114.33],
      [22.79, 114.345],
    ],
  },
];

export interface CompanySpec {
  name: string;
  nameEn: string;
  /** Short name on the dashboard and in truck names. */
  short: string;
  trucks: number;
  /** What its tankers carry: hazmat class and UN numbers, one kind picked per truck. */
  cargo: ReadonlyArray<{ vehicle: string; hazmatClass: string; un: readonly string[] }>;
}

const FUEL = [
  { vehicle: '油罐车', hazmatClass: '3', un: ['1203'] },
  { vehicle: '油罐车', hazmatClass: '3', un: ['1202'] },
  { vehicle: '油罐车', hazmatClass: '3', un: ['1203', '1202'] },
] as const;
const ACID = [
  { vehicle: '酸液罐车', hazmatClass: '8', un: ['1830'] },
  { vehicle: '酸液罐车', hazmatClass: '8', un: ['1789'] },
  { vehicle: '碱液罐车', hazmatClass: '8', un: ['1824'] },
] as const;
const LPG = [{ vehicle: '液化气槽车', hazmatClass: '2.1', un: ['1075'] }] as const;
const LNG = [{ vehicle: 'LNG 槽车', hazmatClass: '2.1', un: ['1972'] }] as const;
const INDUSTRIAL_GAS = [
  { vehicle: '低温液体槽车', hazmatClass: '2.2', un: ['1073'] },
  { vehicle: '低温液体槽车', hazmatClass: '2.2', un: ['1977'] },
  { vehicle: '低温液体槽车', hazmatClass: '2.2', un: ['1951'] },
] as const;
const SOLVENTS = [
  { vehicle: '危化品厢式货车', hazmatClass: '3', un: ['1170'] },
  { vehicle: '危化品厢式货车', hazmatClass: '3', un: ['1263'] },
] as const;
const OXIDIZER = [{ vehicle: '氧化剂罐车', hazmatClass: '5.1', un: ['2014'] }] as const;
const WASTE = [
  { vehicle: '危废运输车', hazmatClass: '9', un: ['3082'] },
  { vehicle: '危废运输车', hazmatClass: '8', un: ['1760'] },
] as const;

/** The 12 transport companies of the 2016 campaign and their 156 trucks (names invented). */
export const COMPANIES: readonly CompanySpec[] = [
  {
    name: '深圳市鹏达危险货物运输有限公司',
    nameEn: 'Pengda Hazmat Transport',
    short: '鹏达',
    trucks: 18,
    cargo: FUEL,
  },
  {
    name: '深圳市龙翔化工物流有限公司',
    nameEn: 'Longxiang Chemical Logistics',
    short: '龙翔',
    trucks: 16,
    cargo: ACID,
  },
  {
    name: '深圳市深岗燃气运输有限公司',
    nameEn: 'Shengang Gas Transport',
    short: '深岗',
    trucks: 15,
    cargo: LPG,
  },
  {
    name: '深圳市华坪能源物流有限公司',
    nameEn: 'Huaping Energy Logistics',
    short: '华坪',
    trucks: 14,
    cargo: FUEL,
  },
  {
    name: '深圳市坂雪岗工业气体运输有限公司',
    nameEn: 'Banxuegang Industrial Gas Transport',
    short: '坂雪岗',
    trucks: 14,
    cargo: INDUSTRIAL_GAS,
  },
  {
    name: '深圳市横岗联运危险品有限公司',
    nameEn: 'Henggang Hazmat Carriers',
    short: '横岗联运',
    trucks: 13,
    cargo: SOLVENTS,
  },
  {
    name: '深圳市宝龙清洁能源运输有限公司',
    nameEn: 'Baolong Clean Energy Transport',
    short: '宝龙能源',
    trucks: 13,
    cargo: LNG,
  },
  {
    name: '深圳市平湖安通危货运输有限公司',
    nameEn: 'Pinghu Antong Hazmat Transport',
    short: '安通',
    trucks: 12,
    cargo: ACID,
  },
  {
    name: '深圳市南湾洁能物流有限公司',
    nameEn: 'Nanwan Clean Fuel Logistics',
    short: '南湾洁能',
    trucks: 12,
    cargo: LPG,
  },
  {
    name: '深圳市园山化工储运有限公司',
    nameEn: 'Yuanshan Chemical Storage & Transport',
    short: '园山储运',
    trucks: 11,
    cargo: OXIDIZER,
  },
  {
    name: '深圳市龙城安达危货运输有限公司',
    nameEn: 'Longcheng Anda Hazmat Transport',
    short: '安达',
    trucks: 10,
    cargo: FUEL,
  },
  {
    name: '深圳市吉华清源环保运输有限公司',
    nameEn: 'Jihua Qingyuan Environmental Transport',
    short: '清源',
    trucks: 8,
    cargo: WASTE,
  },
];

export interface NetworkSpec {
  id: string;
  name: string;
  /** Streets the network's pipelines run through. */
  streets: readonly string[];
  detectors: number;
}

/** Gas pipeline networks (P01 keeps its fixture detectors G001 and G002 in 布吉). */
export const NETWORKS: readonly NetworkSpec[] = [
  { id: 'P01', name: '布吉燃气中压管网', streets: ['BJ', 'NW'], detectors: 52 },
  { id: 'P02', name: '坂田—吉华燃气中压管网', streets: ['BT', 'JH'], detectors: 50 },
  { id: 'P03', name: '横岗—园山燃气中压管网', streets: ['HG', 'YS'], detectors: 48 },
  { id: 'P04', name: '龙城—龙岗燃气中压管网', streets: ['LC', 'LG'], detectors: 56 },
  { id: 'P05', name: '平湖燃气中压管网', streets: ['PH'], detectors: 44 },
  { id: 'P06', name: '坪地—宝龙燃气中压管网', streets: ['PD', 'BL'], detectors: 50 },
];

/** How many of the 32 monitored slopes and retaining walls lie in each street. */
export const SLOPES_PER_STREET: Readonly<Record<string, number>> = {
  BT: 4,
  BJ: 3,
  NW: 4,
  JH: 3,
  HG: 4,
  YS: 4,
  LC: 3,
  LG: 2,
  BL: 2,
  PD: 2,
  PH: 1,
};
