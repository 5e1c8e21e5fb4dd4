import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultGatewayOf, DEVICE_KINDS, ID_PATTERN, issuesText } from '@lg/contracts';
import {
  ZONE_TYPES,
  type ChainStep,
  type Company,
  type Device,
  type DutyUnit,
  type Grid,
  type RegistryData,
  type RestrictedZone,
  type RoadCorridor,
  type SlopeSite,
} from './types';

const id = z.string().regex(ID_PATTERN, 'IDs are [A-Za-z0-9_-]{1,64}');
const contact = z.object({
  name: z.string(),
  phone: z.string(),
  role: z.string().optional(),
  mobile: z
    .string()
    .regex(/^1\d{10}$/, 'an 11-digit mainland mobile number')
    .optional(),
  email: z.string().email().max(254).optional(),
});
const unit = { id, name: z.string(), duty: z.array(contact) };
/** A site's or network's gateways (docs/registry.md, "Gateways"); devices listed nowhere use the default. */
const gateways = z.array(z.object({ id, name: z.string().optional(), devices: z.array(id) })).optional();

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

const registrySchema = z.object({
  version: z.literal(1),
  note: z.string().optional(),
  district: z.object(unit),
  streets: z.array(z.object({ ...unit, nameEn: z.string().optional() })),
  communities: z.array(z.object({ ...unit, street: id })),
  grids: z.array(z.object({ ...unit, community: id })),
  companies: z.array(z.object({ ...unit, nameEn: z.string().optional() })),
  slopeSites: z.array(
    z.object({
      ...unit,
      lat: z.number(),
      lon: z.number(),
      grid: id,
      gateways,
      buildings: z.array(
        z.object({
          id,
          name: z.string(),
          address: z.string().optional(),
          occupants: z.number().optional(),
          lat: z.number().min(-90).max(90).optional(),
          lon: z.number().min(-180).max(180).optional(),
        }),
      ),
    }),
  ),
  pipelineNetworks: z.array(z.object({ ...unit, operator: z.string().optional(), gateways })),
  devices: z.array(
    z.object({
      id,
      kind: z.enum(DEVICE_KINDS),
      owner: id,
      name: z.string().optional(),
      lat: z.number().optional(),
      lon: z.number().optional(),
      grid: id.optional(),
      intervalSec: z.number().positive(),
      plate: z.string().optional(),
      plateColor: z.number().int().min(0).max(255).optional(),
      terminal: z
        .string()
        .regex(/^\d{1,20}$/, 'a terminal number is 1–20 decimal digits')
        .optional(),
      hazmatClass: z.string().optional(),
      un: z.array(z.string()).optional(),
    }),
  ),
  zones: z
    .array(
      z.object({
        id,
        name: z.string(),
        type: z.enum(ZONE_TYPES),
        polygon: z.array(lonLat).min(3),
        severity: z.enum(['blue', 'yellow', 'orange', 'red']).optional(),
        windows: z.array(z.object({ from: hhmm, to: hhmm })).optional(),
        grid: id.optional(),
      }),
    )
    .optional(),
  corridors: z
    .array(
      z.object({
        id,
        name: z.string(),
        class: z.literal('expressway'),
        limitKmh: z.number().positive(),
        polyline: z.array(lonLat).min(2),
        halfWidthM: z.number().positive(),
      }),
    )
    .optional(),
});

/** A terminal number without its leading zeros: the 2013 and 2019 widths name the same terminal. */
export function terminalKey(terminal: string): string {
  return terminal.replace(/^0+(?=.)/, '');
}

export class RegistryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryError';
  }
}

/**
 * In-memory view of the registry with the look-ups the pipeline needs. Built once from validated data;
 * every cross-reference (owner, grid, community, street) is checked when it is built.
 */
export class Registry {
  private readonly devices = new Map<string, Device>();
  private readonly terminals = new Map<string, Device>();
  private readonly companies = new Map<string, Company>();
  private readonly slopeSites = new Map<string, SlopeSite>();
  private readonly ownerUnits = new Map<string, DutyUnit>();
  private readonly grids = new Map<string, Grid>();
  private readonly communities = new Map<string, RegistryData['communities'][number]>();
  private readonly streets = new Map<string, RegistryData['streets'][number]>();
  /** Fixed asset → the gateway that carries it; gateway → its owner and devices. */
  private readonly gatewayOfDevice = new Map<string, string>();
  private readonly gateways = new Map<string, { owner: string; devices: Device[] }>();

  constructor(readonly data: RegistryData) {
    for (const s of data.streets) this.streets.set(s.id, s);
    for (const c of data.communities) {
      if (!this.streets.has(c.street))
        throw new RegistryError(`community ${c.id}: unknown street ${c.street}`);
      this.communities.set(c.id, c);
    }
    for (const g of data.grids) {
      if (!this.communities.has(g.community)) {
        throw new RegistryError(`grid ${g.id}: unknown community ${g.community}`);
      }
      this.grids.set(g.id, g);
    }
    for (const c of data.companies) {
      this.companies.set(c.id, c);
      this.ownerUnits.set(c.id, c);
    }
    for (const s of data.slopeSites) {
      if (!this.grids.has(s.grid)) throw new RegistryError(`slope site ${s.id}: unknown grid ${s.grid}`);
      this.slopeSites.set(s.id, s);
      this.ownerUnits.set(s.id, s);
    }
    for (const p of data.pipelineNetworks) this.ownerUnits.set(p.id, p);
    for (const d of data.devices) {
      if (this.devices.has(d.id)) throw new RegistryError(`device ${d.id} is registered twice`);
      if (this.ownerUnits.has(d.id)) throw new RegistryError(`device ${d.id} has the ID of an owner`);
      const expected = d.kind === 'truck' ? this.companies : d.kind === 'slope' ? this.slopeSites : null;
      if (expected ? !expected.has(d.owner) : !data.pipelineNetworks.some((p) => p.id === d.owner)) {
        throw new RegistryError(`device ${d.id}: owner ${d.owner} is not a registered ${d.kind} owner`);
      }
      if (d.grid && !this.grids.has(d.grid))
        throw new RegistryError(`device ${d.id}: unknown grid ${d.grid}`);
      this.devices.set(d.id, d);
      if (d.kind !== 'truck') this.placeOnGateway(d);
      if (d.terminal !== undefined) {
        const key = terminalKey(d.terminal);
        const other = this.terminals.get(key);
        if (other) throw new RegistryError(`device ${d.id} has the terminal number of ${other.id}`);
        this.terminals.set(key, d);
      }
    }
  }

  /** A fixed asset's gateway: the one of its owner that lists it, else the owner's default one. */
  private placeOnGateway(d: Device): void {
    const owner: { gateways?: Array<{ id: string; devices: string[] }> } | undefined =
      d.kind === 'slope'
        ? this.slopeSites.get(d.owner)
        : this.data.pipelineNetworks.find((p) => p.id === d.owner);
    const declared = owner?.gateways ?? [];
    const listed = declared.filter((g) => g.devices.includes(d.id));
    if (listed.length > 1)
      throw new RegistryError(`device ${d.id} is on two gateways: ${listed.map((g) => g.id).join(', ')}`);
    const gateway = listed[0]?.id ?? defaultGatewayOf(d.owner);
    const known = this.gateways.get(gateway);
    if (known && known.owner !== d.owner)
      throw new RegistryError(`gateway ${gateway} is declared by ${known.owner} and ${d.owner}`);
    if (known) known.devices.push(d);
    else this.gateways.set(gateway, { owner: d.owner, devices: [d] });
    this.gatewayOfDevice.set(d.id, gateway);
  }

  /** The gateway that carries a slope sensor or gas detector (undefined for a truck or an unknown ID). */
  gatewayOf(deviceId: string): string | undefined {
    return this.gatewayOfDevice.get(deviceId);
  }

  /** A gateway's owner and the devices it carries (undefined: no such gateway). */
  gateway(id: string): { owner: string; devices: readonly Device[] } | undefined {
    return this.gateways.get(id);
  }

  /** The IDs of an owner's gateways (none for a company, or an owner without devices). */
  gatewaysOf(owner: string): string[] {
    return [...this.gateways].filter(([, g]) => g.owner === owner).map(([id]) => id);
  }

  static parse(json: unknown): Registry {
    const result = registrySchema.safeParse(json);
    if (!result.success) {
      throw new RegistryError(`registry is invalid: ${issuesText(result.error, { max: 5 })}`);
    }
    return new Registry(result.data);
  }

  static load(path: string): Registry {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new RegistryError(`cannot read registry file ${path}`, { cause: err });
    }
    try {
      return Registry.parse(JSON.parse(text));
    } catch (err) {
      if (err instanceof RegistryError) throw new RegistryError(`${path}: ${err.message}`, { cause: err });
      throw new RegistryError(`${path} is not JSON`, { cause: err });
    }
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }

  /** The truck with this JT/T 808 terminal number (6-byte 2013 and 10-byte 2019 forms alike). */
  deviceByTerminal(terminal: string): Device | undefined {
    return this.terminals.get(terminalKey(terminal));
  }

  allDevices(): Device[] {
    return this.data.devices;
  }

  /** The district: the last step of every chain, and the owner of the platform's own alerts. */
  district(): DutyUnit {
    return this.data.district;
  }

  company(id: string): Company | undefined {
    return this.companies.get(id);
  }

  allCompanies(): Company[] {
    return this.data.companies;
  }

  zones(): readonly RestrictedZone[] {
    return this.data.zones ?? [];
  }

  corridors(): readonly RoadCorridor[] {
    return this.data.corridors ?? [];
  }

  slopeSite(id: string): SlopeSite | undefined {
    return this.slopeSites.get(id);
  }

  /** Every owner ID: companies, slope sites, pipeline networks. */
  owners(): string[] {
    return [...this.ownerUnits.keys()];
  }

  /** Is this name an owner (company, slope site, pipeline network)? */
  isOwner(id: string): boolean {
    return this.ownerUnits.has(id);
  }

  /** The grid a fixed asset belongs to: the device's own grid, else its slope site's. */
  gridOf(device: Device): Grid | undefined {
    const gridId = device.grid ?? this.slopeSites.get(device.owner)?.grid;
    return gridId ? this.grids.get(gridId) : undefined;
  }

  /**
   * The responsibility chain an unacknowledged alert on this device climbs, first step first: a truck's
   * company then the district; a fixed asset's grid → community → street → district.
   */
  chainOf(device: Device): ChainStep[] {
    const steps: ChainStep[] = [];
    if (device.kind === 'truck') {
      const company = this.companies.get(device.owner);
      if (company) steps.push({ level: 'company', unit: company });
    } else {
      const grid = this.gridOf(device);
      const community = grid ? this.communities.get(grid.community) : undefined;
      const street = community ? this.streets.get(community.street) : undefined;
      if (grid) steps.push({ level: 'grid', unit: grid });
      if (community) steps.push({ level: 'community', unit: community });
      if (street) steps.push({ level: 'street', unit: street });
    }
    steps.push({ level: 'district', unit: this.data.district });
    return steps;
  }
}
