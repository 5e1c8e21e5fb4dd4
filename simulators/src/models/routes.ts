import type { LatLon } from './geo';

/**
 * Hazmat truck routes inside Longgang (lat 22.55–22.85, lon 114.00–114.45). Synthetic: the points follow
 * the rough line of real corridors (Longgang Avenue, the Shuiguan expressway, Shenhui road) but are not
 * surveyed road geometry. `limitKmh` is the hazmat limit on that road class: 80 on expressways, 60 elsewhere.
 */
export interface Route {
  id: string;
  name: string;
  limitKmh: number;
  points: LatLon[];
}

const p = (lat: number, lon: number): LatLon => ({ lat, lon });

export const LONGGANG_ROUTES: readonly Route[] = [
  {
    id: 'longgang-avenue',
    name: 'Longgang Avenue, Buji → Longgang centre',
    limitKmh: 60,
    points: [
      p(22.604, 114.118),
      p(22.61, 114.13),
      p(22.6185, 114.148),
      p(22.629, 114.17),
      p(22.642, 114.192),
      p(22.652, 114.207),
      p(22.67, 114.222),
      p(22.689, 114.235),
      p(22.705, 114.244),
      p(22.72, 114.248),
    ],
  },
  {
    id: 'shuiguan-expressway',
    name: 'Shuiguan expressway, Bantian → Henggang',
    limitKmh: 80,
    points: [
      p(22.63, 114.06),
      p(22.628, 114.085),
      p(22.625, 114.105),
      p(22.63, 114.13),
      p(22.64, 114.155),
      p(22.65, 114.18),
      p(22.66, 114.2),
      p(22.67, 114.22),
    ],
  },
  {
    id: 'shenhui-road',
    name: 'Shenhui road, Longgang centre → Pingdi',
    limitKmh: 60,
    points: [p(22.72, 114.248), p(22.73, 114.265), p(22.745, 114.285), p(22.76, 114.305), p(22.77, 114.325)],
  },
  {
    id: 'pinghu-buji',
    name: 'Pinghu → Buji',
    limitKmh: 60,
    points: [p(22.69, 114.125), p(22.677, 114.119), p(22.665, 114.115), p(22.64, 114.11), p(22.615, 114.112)],
  },
  {
    id: 'baolong-longcheng',
    name: 'Baolong industrial park → Longcheng',
    limitKmh: 60,
    points: [p(22.735, 114.295), p(22.73, 114.28), p(22.725, 114.27), p(22.72, 114.255), p(22.712, 114.238)],
  },
];
