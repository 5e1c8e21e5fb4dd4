import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { FIELD_SPECS, type DeviceView, type SeriesView, type TrackView } from '@lg/contracts';
import { canSee, type Principal } from '@lg/auth';
import { RulePackStore } from '@lg/evaluation';
import { Registry, type Device } from '@lg/registry';
import { configFor, truckOverspeed, type TruckOverspeedConfig } from '@lg/rules';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';
import { ReadingsStore } from '../infra/readings';
import { MAX_POINTS, type SeriesQuery, type TrackQuery } from '../contract/queries';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Devices and their readings as one user may see them. A company user sees only its own trucks: another
 * company's truck is answered as not found (404); slope and gas devices, which are no company's, as
 * operator-only (403).
 */
@Injectable()
export class DevicesService {
  private readonly rules: RulePackStore;

  constructor(
    private readonly registry: Registry,
    private readonly redis: GatewayRedis,
    private readonly readings: ReadingsStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.rules = new RulePackStore(redis.commands, redis.names, config.RULE_PACK_FILE);
  }

  async list(principal: Principal): Promise<DeviceView[]> {
    const devices = this.registry.allDevices().filter((d) => canSee(principal, d));
    const presence = await this.redis.presence(devices.map((d) => d.id));
    return devices.map((d) => {
      const p = presence.get(d.id);
      return {
        id: d.id,
        kind: d.kind,
        owner: d.owner,
        ...(d.name !== undefined ? { name: d.name } : {}),
        ...(d.lat !== undefined ? { lat: d.lat } : {}),
        ...(d.lon !== undefined ? { lon: d.lon } : {}),
        ...(d.grid !== undefined ? { grid: d.grid } : {}),
        ...(d.plate !== undefined ? { plate: d.plate } : {}),
        ...(d.plateColor !== undefined ? { plateColor: d.plateColor } : {}),
        ...(d.terminal !== undefined ? { terminal: d.terminal } : {}),
        ...(d.hazmatClass !== undefined ? { hazmatClass: d.hazmatClass } : {}),
        ...(d.un !== undefined ? { un: d.un } : {}),
        intervalSec: d.intervalSec,
        lastSeen: p && p.lastSeen > 0 ? iso(p.lastSeen) : null,
        online: p?.online ?? false,
      };
    });
  }

  /** The device if this user may read it; 404 when it does not exist or is another company's truck. */
  private visible(principal: Principal, id: string, what = 'device'): Device {
    const device = this.registry.device(id);
    if (!device) throw new NotFoundException(`${what} ${id} not found`);
    if (canSee(principal, device)) return device;
    if (device.kind !== 'truck')
      throw new ForbiddenException(`${device.kind} devices are for operators only`);
    throw new NotFoundException(`${what} ${id} not found`);
  }

  async track(principal: Principal, id: string, q: TrackQuery): Promise<TrackView> {
    const device = this.visible(principal, id, 'truck');
    if (device.kind !== 'truck') throw new NotFoundException(`truck ${id} not found`);
    const [points, pack] = await Promise.all([
      this.readings.track(id, q, MAX_POINTS + 1),
      this.rules.resolve(),
    ]);
    // The chart draws the limit the rule applies to this truck now, not a constant of the dashboard's.
    const overspeed = pack.rules.get(truckOverspeed.name)!;
    return {
      id,
      owner: device.owner,
      from: iso(q.from),
      to: iso(q.to),
      points: points.slice(0, MAX_POINTS),
      truncated: points.length > MAX_POINTS,
      roadLimitKmh: (configFor(overspeed, device) as TruckOverspeedConfig).roadLimitKmh,
    };
  }

  async series(principal: Principal, id: string, q: SeriesQuery): Promise<SeriesView> {
    const device = this.visible(principal, id);
    const specs = FIELD_SPECS[device.kind];
    const spec = Object.prototype.hasOwnProperty.call(specs, q.field) ? specs[q.field] : undefined;
    if (!spec) {
      throw new BadRequestException(
        `field: "${q.field}" is not a field of a ${device.kind} device (${Object.keys(specs).join(', ')})`,
      );
    }
    const base = {
      id,
      kind: device.kind,
      owner: device.owner,
      field: q.field,
      from: iso(q.from),
      to: iso(q.to),
    };
    if (q.every) {
      if (spec.type !== 'number' && spec.type !== 'integer') {
        throw new BadRequestException(
          `every: ${q.field} is not numeric; leave every out to get the readings`,
        );
      }
      const buckets = Math.ceil((q.to - q.from) / q.every.ms);
      if (buckets > MAX_POINTS) {
        throw new BadRequestException(
          `every: ${q.every.text} over this range makes ${buckets} points, more than ${MAX_POINTS}: widen every or narrow from..to`,
        );
      }
      const points = await this.readings.meanSeries(device.kind, id, q.field, q, q.every.ms);
      return { ...base, every: q.every.text, points, truncated: false };
    }
    const points = await this.readings.rawSeries(device.kind, id, q.field, q, MAX_POINTS + 1);
    return { ...base, points: points.slice(0, MAX_POINTS), truncated: points.length > MAX_POINTS };
  }
}
