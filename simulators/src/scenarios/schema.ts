import { z } from 'zod';
import { CHANNELS, DEVICE_KINDS, ID_PATTERN, issuesText, REJECT_REASONS, SEVERITIES } from '@lg/contracts';
import { parseDuration } from '../duration';

/**
 * The scenario file format (`simulators/scenarios/*.json`, docs/simulators.md): which devices act, what
 * they publish on a timeline of event time, where the runner waits or acknowledges, and what the platform
 * must do in return — the alerts (rule, device, severity sequence, cleared or not), the rejections, and
 * optionally what is stored.
 */

/** A duration such as `35s`, `4h10m`, `500ms`; becomes milliseconds. */
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const alias = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'an alias: a letter, then letters, digits, _ or -');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** `[lon, lat]`, as in the registry. */
const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/**
 * A step of the timeline: its `type`, its own `fields`, and `note`, why the step is there (shown in reports;
 * the acknowledgements send it as the operator's note). No other key is accepted.
 */
function timelineStep<T extends string, F extends z.ZodRawShape>(type: T, fields: F) {
  return z.object({ type: z.literal(type), ...fields, note: z.string().optional() }).strict();
}

/**
 * How a field's value is made for each reading of a step: a constant (`null` leaves the field out), a
 * sequence cycled over the readings, a linear ramp from the first to the last reading, or a steady rate of
 * change per day/hour/minute/second continuing from the field's previous value (cumulative slope
 * displacement). `noise` adds seeded Gaussian noise (standard deviation); `round` the decimals kept.
 */
export const valueSpecSchema = z.union([
  scalar,
  z.object({ seq: z.array(scalar).min(1) }).strict(),
  z
    .object({
      ramp: z.tuple([z.number(), z.number()]),
      noise: z.number().nonnegative().optional(),
      round: z.number().int().min(0).max(9).optional(),
    })
    .strict(),
  z
    .object({
      rate: z.number(),
      per: z.enum(['day', 'hour', 'minute', 'second']),
      from: z.number().optional(),
      noise: z.number().nonnegative().optional(),
      round: z.number().int().min(0).max(9).optional(),
    })
    .strict(),
  z
    .object({
      around: z.number(),
      noise: z.number().nonnegative(),
      round: z.number().int().min(0).max(9).optional(),
    })
    .strict(),
]);
export type ValueSpec = z.infer<typeof valueSpecSchema>;

/**
 * Where a truck is for each reading of a step (sets `lat`, `lon` and `heading`):
 * - `path`: drives along a road (`road:<id>` of the district's roads, `corridor:<id>` of the registry) or
 *   a line of `[lon, lat]` points, advancing by the reading's `speed`; `start` is metres from the path's
 *   first point, or `continue` to go on from where the truck is on the same path; `reverse` drives it
 *   backwards; `pingpong` turns round at the ends.
 * - `stay`: stands at a point (`here`: where it is), optionally jittered by `jitterM` (GPS drift).
 * - `jump`: a single wrong fix at a point, leaving the truck where it really is (a GPS jump).
 */
export const motionSchema = z.union([
  z
    .object({
      path: z.union([z.string().regex(/^(road|corridor):[A-Za-z0-9_-]+$/), z.array(lonLat).min(2)]),
      start: z.union([z.literal('continue'), z.number().nonnegative()]).default('continue'),
      reverse: z.boolean().default(false),
      pingpong: z.boolean().default(false),
      noiseM: z.number().nonnegative().default(2),
    })
    .strict(),
  z
    .object({
      stay: z.union([lonLat, z.literal('here')]),
      jitterM: z.number().nonnegative().default(0),
    })
    .strict(),
  z.object({ jump: lonLat }).strict(),
]);
export type Motion = z.infer<typeof motionSchema>;

/**
 * Readings of one device on the timeline: at `at`, then every `every`, `count` of them (or for `for`).
 * A device's consecutive readings steps between two waits go out as ONE batch message (an array), so
 * that the worker evaluates them in one go. `live` stamps a single reading with the wall clock when it is
 * sent instead of the timeline (the tail of a scenario anchored in another time of day).
 */
export const readingsStepSchema = timelineStep('readings', {
  device: alias,
  at: duration.default('0s'),
  every: duration.optional(),
  count: z.number().int().positive().max(1000).optional(),
  for: duration.optional(),
  live: z.boolean().default(false),
  fields: z.record(valueSpecSchema).default({}),
  motion: motionSchema.optional(),
})
  .refine((s) => !(s.count !== undefined && s.for !== undefined), { message: 'give count or for, not both' })
  .refine((s) => (s.count ?? 1) === 1 || s.for !== undefined || s.every !== undefined, {
    message: 'several readings need every',
  })
  .refine((s) => s.for === undefined || s.every !== undefined, { message: 'for needs every' })
  .refine((s) => s.for === undefined || !s.every || Math.round(s.for / s.every) <= 1000, {
    message: 'for / every makes more than 1000 readings in one step: split it, or use a coarser every',
  })
  .refine((s) => !s.live || ((s.count ?? 1) === 1 && s.for === undefined), {
    message: 'live is one reading',
  });
export type ReadingsStep = z.infer<typeof readingsStepSchema>;

/**
 * One message exactly as given, for input the platform must refuse: `text` (not JSON), `json` (any JSON;
 * the string "$ts" anywhere becomes the step's event time in epoch ms, "$ts-2000" two seconds before), `bytes` (that many copies of
 * `fill`: oversized), `base64` (e.g. invalid UTF-8), or `repeat` (an array of `count` copies of a reading
 * whose "$ts" becomes event time + i ms: a batch that is too large). Sent as `as` (`device`, `owner` or
 * another identity) to the device's topic, or to `topic` with parts replaced. `puback` is what the
 * broker must answer: `accepted`, or `refused` (≥ 0x80, e.g. 0x87 not authorized by the ACL).
 */
export const rawStepSchema = timelineStep('raw', {
  device: alias,
  at: duration.default('0s'),
  as: z.string().default('device'),
  topic: z
    .object({
      kind: z.enum(DEVICE_KINDS).optional(),
      owner: z.string().regex(ID_PATTERN).optional(),
      device: z.string().regex(ID_PATTERN).optional(),
      channel: z.enum(CHANNELS).optional(),
    })
    .strict()
    .optional(),
  payload: z.union([
    z.object({ text: z.string() }).strict(),
    // z.unknown() would also take `{}`: the key must be there (any JSON value, null included).
    z.object({ json: z.custom<unknown>((v) => v !== undefined, 'json: a JSON value is required') }).strict(),
    z
      .object({
        bytes: z
          .number()
          .int()
          .positive()
          .max(4 * 1024 * 1024),
        fill: z.string().length(1).default(' '),
      })
      .strict(),
    z.object({ base64: z.string() }).strict(),
    z.object({ repeat: z.record(z.unknown()), count: z.number().int().positive().max(100_000) }).strict(),
  ]),
  puback: z.enum(['accepted', 'refused']).default('accepted'),
});
export type RawStep = z.infer<typeof rawStepSchema>;

/** Waits until an alert of `rule` on `device` is seen (with that severity / active state, if given). */
export const waitStepSchema = timelineStep('wait', {
  rule: z.string(),
  device: alias,
  severity: z.enum(SEVERITIES).optional(),
  active: z.boolean().optional(),
  /** Wait for the alert on the link `device` reports through instead (inhibition: `gateway.offline`). */
  link: z.boolean().optional(),
  timeout: duration.default('20s'),
});
export type WaitStep = z.infer<typeof waitStepSchema>;

/** Acknowledges the alert of `rule` on `device` as the operator (`alert:ack` on `/live`), waiting for it. */
export const ackStepSchema = timelineStep('ack', {
  rule: z.string(),
  device: alias,
  timeout: duration.default('20s'),
});
export type AckStep = z.infer<typeof ackStepSchema>;

/**
 * Sets the platform's test clock `offset` ahead of the wall clock (relative to where it stood when the
 * scenario started; `0s` puts it back). Silence-driven rules (device.offline, truck.offline) measure
 * silence from when a report was received, so only the clock can make minutes of silence pass in a
 * moment. Needs the worker's test clock (LG_TEST_CLOCK=true, demo mode) and the runner's access to it.
 */
export const clockStepSchema = timelineStep('clock', { offset: duration });
export type ClockStep = z.infer<typeof clockStepSchema>;

/**
 * Alarm floods: acknowledges the incident of a group (`device`: the group's alias) and cause (`rule`:
 * `offline`, or a rule's name) as the operator, with one `note` (`POST /api/incidents/{id}/ack`), once each
 * member has such an alert; `severity` is the highest the operator saw (a member raised above it is left).
 */
export const ackIncidentStepSchema = timelineStep('ack-incident', {
  device: alias,
  rule: z.string().min(1),
  severity: z.enum(SEVERITIES).optional(),
  timeout: duration.default('20s'),
}).extend({ note: z.string().max(500).optional() });
export type AckIncidentStep = z.infer<typeof ackIncidentStepSchema>;

// --- Links (inhibition, docs/rules.md "Inhibition"): the link a device depends on goes down or up. ---

/**
 * Says the state of the link `device` reports through, as its owner and retained, as the contract has it:
 * a truck's company platform link (`{root}/_status/{company}/platform/link`), a slope sensor's or gas
 * detector's gateway (`{root}/_status/{owner}/gateway/{id}`, the registry's gateway of the device).
 */
export const linkStepSchema = timelineStep('link', {
  device: alias,
  state: z.enum(['online', 'offline']),
});
export type LinkStep = z.infer<typeof linkStepSchema>;

// --- end of links ---

export const stepSchema = z.union([
  readingsStepSchema,
  rawStepSchema,
  waitStepSchema,
  ackStepSchema,
  clockStepSchema,
  ackIncidentStepSchema,
  linkStepSchema,
]);
export type Step = z.infer<typeof stepSchema>;

// ---- Alarm floods: device groups, incidents, alerts that must stay alone (docs/simulators.md, "Floods").

/** At most this many devices in one group, and in all the groups of a scenario. */
export const MAX_GROUP_SIZE = 500;
/** At most this many operator screens (`/live` connections) a scenario watches. */
export const MAX_SCREENS = 10;

/**
 * Devices that act together: the first `count` devices of `kind` owned by `owner` (a company, pipeline
 * network or slope site), in registry order, leaving out the scenario's own single devices. A readings or
 * wait step, or an alert expectation, that names the group applies to each member (a mobile network outage:
 * the members report, then fall silent together). A group larger than the owner's fleet is refused when the
 * scenario is planned against a registry. Trucks on a `path` start `spacingM` apart (member k at
 * `start + k × spacingM`), so that they are not all in one spot.
 */
export const groupSchema = z
  .object({
    kind: z.enum(DEVICE_KINDS),
    owner: z.string().regex(ID_PATTERN),
    count: z.number().int().min(2).max(MAX_GROUP_SIZE),
    spacingM: z.number().nonnegative().max(10_000).default(0),
    note: z.string().optional(),
  })
  .strict();
export type Group = z.infer<typeof groupSchema>;

/**
 * An incident the scenario must cause: the alerts of `group` whose rule has the cause `rule` (`offline`
 * for device.offline and truck.offline, else the rule's name: docs/rules.md, "Incidents") are members of
 * ONE incident of the group's owner, which has `size` members both in its latest `incident` event on
 * `/live` and in `GET /api/incidents`; `active`, `open`, `unacknowledged` (counted by the API) when given.
 */
export const incidentExpectationSchema = z
  .object({
    group: alias,
    rule: z.string().min(1),
    size: z
      .number()
      .int()
      .positive()
      .max(2 * MAX_GROUP_SIZE),
    active: z.number().int().nonnegative().optional(),
    open: z.number().int().nonnegative().optional(),
    unacknowledged: z.number().int().nonnegative().optional(),
    note: z.string().optional(),
  })
  .strict();
export type IncidentExpectation = z.infer<typeof incidentExpectationSchema>;

/**
 * On an alert expectation: `alone` — the alert reaches every screen the scenario watches as itself (its own
 * `alert` event) and shares its incident with no other alert (a red alert is never grouped away); `within`
 * — and it reaches each screen within this long of the reading that raised it being published.
 */
const floodAlertFields = {
  alone: z.boolean().optional(),
  within: duration.optional(),
};

/** What a scenario with groups must respect besides the rest of the schema; pure, one issue per problem. */
function checkFloods(s: z.infer<typeof scenarioShape>, ctx: z.RefinementCtx): void {
  const groups = Object.keys(s.groups);
  for (const g of groups) {
    if (g in s.devices)
      ctx.addIssue({ code: 'custom', path: ['groups', g], message: `"${g}" is both a device and a group` });
  }
  const total = Object.values(s.groups).reduce((n, g) => n + g.count, 0);
  if (total > MAX_GROUP_SIZE)
    ctx.addIssue({
      code: 'custom',
      path: ['groups'],
      message: `the groups have ${total} devices in all, more than ${MAX_GROUP_SIZE}`,
    });
  const isGroup = (a: string): boolean => groups.includes(a) && !(a in s.devices);
  s.steps.forEach((step, i) => {
    if ((step.type === 'raw' || step.type === 'ack') && isGroup(step.device))
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i, 'device'],
        message: `${step.type} takes one device, not the group "${step.device}"`,
      });
    if (step.type === 'ack-incident' && !isGroup(step.device))
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i, 'device'],
        message: `ack-incident takes a group, not the device "${step.device}"`,
      });
    if (step.type === 'readings' && isGroup(step.device) && step.live)
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'live'], message: 'live is for one device' });
  });
  s.expect.stored.forEach((e, i) => {
    if (isGroup(e.device))
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'stored', i, 'device'],
        message: `stored takes one device, not the group "${e.device}"`,
      });
  });
  s.expect.incidents.forEach((e, i) => {
    if (!isGroup(e.group))
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'incidents', i, 'group'],
        message: `unknown group "${e.group}"`,
      });
  });
  s.expect.alerts.forEach((e, i) => {
    if ((e.alone || e.within !== undefined) && isGroup(e.device))
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'alerts', i, 'device'],
        message: 'alone and within are for the alert of one device, not a group',
      });
  });
}

/**
 * An alert the scenario must cause. `severities` is the sequence of severities the alert takes on `/live`
 * (repeats collapsed); `cleared` whether it ends inactive; `acknowledged` whether it ends acknowledged
 * (checked when given); `link` that it is on the link the device reports through, `held` whether it ends
 * held under a cause (both for inhibition); `evacuate` that its red transition carries the `evacuate` action naming every
 * building the slope site threatens.
 */
export const alertExpectationSchema = z
  .object({
    rule: z.string(),
    device: alias,
    severities: z.array(z.enum(SEVERITIES)).min(1),
    cleared: z.boolean(),
    acknowledged: z.boolean().optional(),
    evacuate: z.boolean().optional(),
    ...floodAlertFields,
    /** The alert is on the link `device` reports through (`gateway.offline`, `platform.link_down`). */
    link: z.boolean().optional(),
    /** Whether it ends held back under a cause (`inhibitedBy`); checked when given. */
    held: z.boolean().optional(),
    note: z.string().optional(),
  })
  .strict();
export type AlertExpectation = z.infer<typeof alertExpectationSchema>;

/** A rejection on `{root}/_rejected/...` for a topic the scenario published to (device: alias or ID). */
export const rejectionExpectationSchema = z
  .object({
    device: z.string().regex(ID_PATTERN),
    reason: z.enum(REJECT_REASONS),
    count: z.number().int().positive().default(1),
    index: z.number().int().nonnegative().optional(),
  })
  .strict();
export type RejectionExpectation = z.infer<typeof rejectionExpectationSchema>;

/**
 * What is stored for a device over the scenario's time span: `count` readings (trucks: fixes of the track
 * API; gas: `lel` values; slope: `disp` values), `bad` of them unqualified (trucks only).
 */
export const storedExpectationSchema = z
  .object({
    device: alias,
    count: z.number().int().nonnegative(),
    bad: z.number().int().nonnegative().optional(),
  })
  .strict();
export type StoredExpectation = z.infer<typeof storedExpectationSchema>;

/**
 * Where the timeline sits in time. `now` (default): it ends when the scenario starts, every event time in
 * the recent past. `localWindow`: it ends at the latest moment such that all of it falls inside this
 * daily window of Asia/Shanghai local time (e.g. daytime for the 4 h fatigue limit); `live` readings
 * then carry the wall clock.
 */
export const anchorSchema = z.union([
  z.literal('now'),
  z.object({ localWindow: z.object({ from: hhmm, to: hhmm }).strict() }).strict(),
]);
export type Anchor = z.infer<typeof anchorSchema>;

const scenarioShape = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case words joined by -'),
    title: z.string(),
    description: z.string(),
    /** The rules the scenario exercises (for the listing and for pending rules). */
    rules: z.array(z.string()).default([]),
    /** Alias → registry device ID. Each scenario has devices of its own, so all can run on one platform. */
    devices: z.record(alias, z.string().regex(ID_PATTERN)),
    /** Alias → a group of devices that act together (alarm floods). */
    groups: z.record(alias, groupSchema).default({}),
    /** Operator screens (`/live` connections) the run watches; `alone` alerts must reach each. */
    screens: z.number().int().min(1).max(MAX_SCREENS).default(1),
    anchor: anchorSchema.default('now'),
    /** Overall deadline of the run, after the last step. */
    timeout: duration.default('45s'),
    steps: z.array(stepSchema).min(1),
    expect: z
      .object({
        alerts: z.array(alertExpectationSchema).default([]),
        rejections: z.array(rejectionExpectationSchema).default([]),
        stored: z.array(storedExpectationSchema).default([]),
        incidents: z.array(incidentExpectationSchema).max(20).default([]),
      })
      .strict(),
  })
  .strict();

export const scenarioSchema = scenarioShape.superRefine(checkFloods).superRefine((s, ctx) => {
  // A group's alias stands for its members wherever a device may be a group (checkFloods says where not).
  const aliases = new Set([...Object.keys(s.devices), ...Object.keys(s.groups)]);
  const check = (value: string, path: Array<string | number>): void => {
    if (!aliases.has(value))
      ctx.addIssue({ code: 'custom', path, message: `unknown device alias "${value}"` });
  };
  s.steps.forEach((step, i) => {
    if (step.type !== 'clock') check(step.device, ['steps', i, 'device']);
  });
  s.expect.alerts.forEach((a, i) => check(a.device, ['expect', 'alerts', i, 'device']));
  s.expect.stored.forEach((a, i) => check(a.device, ['expect', 'stored', i, 'device']));
});
export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScenarioError';
  }
}

/** Validates a parsed scenario file, naming the file and each problem's path. */
export function parseScenario(json: unknown, file: string): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    throw new ScenarioError(`${file}: ${issuesText(result.error, { root: '(file)', max: 8 })}`);
  }
  return result.data;
}
