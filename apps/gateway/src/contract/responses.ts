import {
  ALERT_TRANSITIONS,
  DELIVERY_STATES,
  DEVICE_KINDS,
  ESCALATION_LEVELS,
  NOTIFY_CHANNELS,
  REJECT_REASONS,
  SEVERITIES,
} from '@lg/contracts';
import { ROLES } from '@lg/auth';
import { z } from './openapi-zod';

/**
 * The shapes the REST API answers with (contract v1), as zod schemas: the OpenAPI document at `/api/docs`
 * is generated from them and from the request schemas the routes validate with (docs/contract.md, "Adding
 * a route"). They describe; the answers are built by the services from the contract's types.
 */

const iso = (example: string) => z.string().openapi({ example, format: 'date-time' });
const num = (example: number, description?: string) => z.number().openapi({ example, description });
const str = (example: string, description?: string) => z.string().openapi({ example, description });
const nullableNum = (example?: number, description?: string) =>
  z.number().nullable().openapi({ example, description });
const value = z.union([z.number(), z.string()]).nullable();

export const errorSchema = z
  .object({
    statusCode: num(400),
    error: str('Bad Request'),
    message: str('severity: must be one of blue, yellow, orange, red, got "purple"'),
  })
  .openapi('Error');

export const userSchema = z
  .object({
    username: str('c01'),
    role: z.enum(ROLES).openapi({ example: 'company' }),
    company: str('C01', 'The company of a company user').optional(),
  })
  .openapi('User');

export const loginResponseSchema = z
  .object({
    token: z.string().openapi({
      description: 'JWT (HS256) carrying sub, role, company; send as `Authorization: Bearer <token>`',
    }),
    expiresAt: iso('2026-05-01T20:00:00.000Z'),
    user: userSchema,
  })
  .openapi('LoginResponse');

const acknowledgementSchema = z
  .object({ by: str('c01'), at: iso('2026-05-01T08:02:00.000Z'), note: z.string().optional() })
  .openapi('Acknowledgement');

/** The shelf of a shelved alert (docs/rules.md, "Shelving"). */
export const shelfSchema = z
  .object({
    by: str('operator'),
    confirmedBy: str('duty-chief', 'The second operator, for a red alert').optional(),
    reason: str('传感器维修中 / sensor under repair'),
    at: iso('2026-05-01T08:00:00.000Z'),
    until: iso('2026-05-01T09:00:00.000Z'),
    severity: z.enum(SEVERITIES).openapi({ description: 'The severity shelved: a rise above it unshelves' }),
    device: z.boolean().optional().openapi({ description: 'Shelved with its whole device' }),
  })
  .openapi('Shelf');

export const alertSchema = z
  .object({
    id: str('truck.overspeed~T001~lp3k2a0'),
    rule: str('truck.overspeed'),
    severity: z.enum(SEVERITIES),
    active: z.boolean().openapi({ description: 'The condition holds' }),
    acknowledged: z.boolean().openapi({ description: 'A person took it' }),
    kind: z.enum(DEVICE_KINDS),
    owner: str('C01'),
    device: str('T001'),
    message: str('超速 78 km/h (限速 60) / overspeed 78 km/h (limit 60)'),
    value: value.openapi({ example: 78 }),
    threshold: value.openapi({ example: 60 }),
    location: z.object({ lat: num(22.7201), lon: num(114.2468) }).optional(),
    openedAt: iso('2026-05-01T08:00:00.000Z'),
    updatedAt: iso('2026-05-01T08:01:00.000Z'),
    clearedAt: iso('2026-05-01T08:05:00.000Z').optional(),
    ackedAt: iso('2026-05-01T08:02:00.000Z').optional(),
    ackedBy: str('operator').optional(),
    note: str('已电话联系司机 / called the driver').optional(),
    companyAck: acknowledgementSchema.optional().openapi({
      description: "A company's taking of its red truck alert; the command centre must still acknowledge it",
    }),
    count: num(1, 'Times the condition fired while open'),
    escalation: z.object({
      level: z.enum(ESCALATION_LEVELS),
      unit: str('C01').optional(),
      since: iso('2026-05-01T08:00:00.000Z'),
      notify: z.array(
        z.object({ name: str('公司1监控员'), phone: str('0755-28901501'), role: z.string().optional() }),
      ),
    }),
    actions: z
      .array(
        z.object({ type: str('evacuate'), description: z.string(), targets: z.array(z.string()).optional() }),
      )
      .optional(),
    incident: str(
      'i~truck.offline~C01~mbq3k0',
      'The incident it joined when it opened (GET /api/incidents/{id})',
    ).optional(),
    shelf: shelfSchema.optional().openapi({
      description: 'Shelved by an operator until `until` (hidden from the live list, not escalating)',
    }),
    inhibitedBy: str(
      'link:C01',
      'Held back under this cause (docs/rules.md, "Inhibition"): not raised, not escalating, listed under the cause’s alert',
    ).optional(),
    cause: str(
      'link:C01',
      'On a cause’s own alert (platform.link_down): the cause its held alerts name',
    ).optional(),
  })
  .openapi('Alert');

export const alertTransitionSchema = z
  .object({
    alertId: str('truck.overspeed~T001~lp3k2a0'),
    type: z.enum(ALERT_TRANSITIONS),
    at: iso('2026-05-01T08:02:00.000Z'),
    by: str('operator', '`system` for rule-driven transitions'),
    severity: z.enum(SEVERITIES),
    active: z.boolean(),
    acknowledged: z.boolean(),
    value: value.openapi({ example: 78 }),
    note: z.string().optional(),
    previousSeverity: z
      .enum(SEVERITIES)
      .optional()
      .openapi({ description: 'On raised, lowered, reopened: the severity before' }),
    clearedAck: acknowledgementSchema
      .optional()
      .openapi({ description: 'On raised and reopened: the acknowledgement it took away' }),
    clearedCompanyAck: acknowledgementSchema.optional(),
    inhibitedBy: z.string().optional().openapi({ description: 'While the alert is held: its cause' }),
    trace: z
      .object({
        job: str('{rules-3}:1207', 'The rule job: <rule queue>:<BullMQ job ID>'),
        upTo: str('1764751385123-0', "The job's last reading-log entry ('' for a timer job)"),
        rx: num(1764751385101, "When ingest received the reading's message, epoch ms").optional(),
        ts: num(1764751385000, "The reading's device time, epoch ms").optional(),
      })
      .optional()
      .openapi({ description: 'Rule-driven transitions: the IDs that lead back to the message (README)' }),
  })
  .openapi('AlertTransition');

export const deviceSchema = z
  .object({
    id: str('T001'),
    kind: z.enum(DEVICE_KINDS),
    owner: str('C01', 'Company, slope site or pipeline network'),
    name: z.string().optional(),
    lat: z.number().optional().openapi({ description: 'Fixed devices only' }),
    lon: z.number().optional().openapi({ description: 'Fixed devices only' }),
    grid: str('GR-BJ11').optional(),
    plate: str('粤B·D1001').optional(),
    plateColor: num(2, 'Plate colour (JT/T 697.7: 1 blue, 2 yellow, …)').optional(),
    terminal: str('013807550001', 'JT/T 808 terminal number (SIM)').optional(),
    hazmatClass: str('3').optional(),
    un: z
      .array(z.string())
      .optional()
      .openapi({ example: ['UN1203'] }),
    intervalSec: num(10, 'Nominal reporting interval, seconds'),
    lastSeen: z.string().nullable().openapi({ description: 'Event time of the last reading' }),
    online: z.boolean(),
  })
  .openapi('Device');

export const trackSchema = z
  .object({
    id: str('T001'),
    owner: str('C01'),
    from: iso('2026-05-01T07:00:00.000Z'),
    to: iso('2026-05-01T08:00:00.000Z'),
    points: z.array(
      z.object({
        ts: iso('2026-05-01T08:00:00.000Z'),
        lat: num(22.7201),
        lon: num(114.2468),
        speed: nullableNum(52.5, 'km/h'),
        heading: nullableNum(90, 'degrees'),
        q: z.enum(['ok', 'bad']).nullable(),
        why: z.array(z.string()).optional().openapi({
          description: 'Why the fix is unqualified (e.g. speed_out_of_range), or `drift` for a GPS jump',
        }),
      }),
    ),
    truncated: z.boolean().openapi({ description: 'More fixes exist than the 10 000 returned' }),
    roadLimitKmh: num(60, "The truck's limit off the expressway corridors, km/h, from the live rule pack"),
  })
  .openapi('Track');

export const seriesSchema = z
  .object({
    id: str('G001'),
    kind: z.enum(DEVICE_KINDS),
    owner: str('P01'),
    field: str('lel'),
    from: iso('2026-04-30T08:00:00.000Z'),
    to: iso('2026-05-01T08:00:00.000Z'),
    every: str('1m', 'Bucket width: each point is the mean of a bucket').optional(),
    points: z.array(
      z.object({
        ts: iso('2026-05-01T08:00:00.000Z'),
        value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
        count: num(6, 'Readings in the bucket (with every)').optional(),
        q: z.enum(['ok', 'bad']).nullable().optional(),
      }),
    ),
    truncated: z.boolean(),
  })
  .openapi('Series');

export const rejectionsSchema = z
  .object({
    rejections: z.array(
      z.object({
        id: str('1777622401204-0'),
        owner: str('C01'),
        device: str('T012'),
        kind: str('truck'),
        reason: z.enum(REJECT_REASONS),
        message: str('reading 0: speed must be a finite number, got undefined'),
        topic: str('lg/v1/truck/C01/T012/telemetry'),
        receivedAt: iso('2026-05-01T00:00:01.204Z'),
        index: z.number().optional(),
        ts: num(1777622400000, 'The reading’s own ts, as sent').optional(),
        correlationData: str('72657130', 'MQTT 5 correlation data, hex').optional(),
        excerpt: str('{"ts":1777622400000,"lat":22.72,"lon":114.24}'),
        bytes: num(46),
      }),
    ),
    more: z.boolean().openapi({ description: 'More matched than limit' }),
  })
  .openapi('Rejections');

export const textSentSchema = z
  .object({
    device: str('T001'),
    text: z.string(),
    serial: z.number().openapi({ description: 'Serial number of the 0x8300 frame' }),
    answered: z.boolean().openapi({ description: 'The terminal answered (0x0001) within 10 s' }),
    result: z
      .number()
      .optional()
      .openapi({ description: '0 success, 1 failure, 2 message error, 3 not supported' }),
  })
  .openapi('TextSent');

export const locatedSchema = z
  .object({
    device: str('T001'),
    lat: num(22.7201),
    lon: num(114.2468),
    speed: z.number().openapi({ description: 'km/h' }),
    heading: z.number(),
    time: z.string().nullable().openapi({ description: 'The terminal’s time (UTC+8)' }),
    positioned: z.boolean().openapi({ description: 'The terminal had a position fix' }),
  })
  .openapi('Located');

export const notificationDeliverySchema = z
  .object({
    id: str('3f1c0a9b2d4e5f60718293a4'),
    channel: z.enum(NOTIFY_CHANNELS),
    to: str('138****1101', 'The address, partly masked'),
    contact: str('周波'),
    role: str('网格员').optional(),
    level: z.enum(ESCALATION_LEVELS),
    unit: str('GR-BJ11', 'The unit whose duty contact this is'),
    transition: z
      .enum([...ALERT_TRANSITIONS, 'digest'])
      .openapi({ description: 'opened, raised, reopened or escalated; digest for a daily digest' }),
    severity: z.enum(SEVERITIES),
    alerts: num(1, 'Alerts the message tells of (more than 1: a grouped message)'),
    state: z.enum(DELIVERY_STATES),
    reason: str('the webhook answered HTTP 503').optional(),
    attempts: num(1),
    queuedAt: iso('2026-05-01T02:03:04.000Z'),
    sentAt: iso('2026-05-01T02:03:05.000Z').optional(),
    deliveredAt: iso('2026-05-01T02:03:05.000Z').optional(),
    failedAt: iso('2026-05-01T02:03:05.000Z').optional(),
    receiptAt: iso('2026-05-01T02:03:09.000Z')
      .optional()
      .openapi({ description: 'When the SMS provider’s delivery receipt came' }),
  })
  .openapi('NotificationDelivery');

export const bulkAckResultSchema = z
  .object({
    acknowledged: z.array(z.string()),
    skipped: z.array(z.object({ id: z.string(), reason: z.enum(['red', 'active', 'changed', 'missing']) })),
    more: z.boolean().openapi({ description: 'More alerts match the filter than one request takes' }),
  })
  .openapi('BulkAckResult');

export const incidentSchema = z
  .object({
    id: str('i~truck.offline~C01~mbq3k0'),
    key: str('rule=truck.offline|owner=C01', 'The grouping key'),
    rule: str('truck.offline', 'Set when every member has it').optional(),
    kind: z.enum(DEVICE_KINDS).optional(),
    owner: str('C01').optional(),
    street: str('ST-BJ').optional(),
    openedAt: iso('2026-05-01T08:00:00.000Z'),
    lastAt: iso('2026-05-01T08:01:40.000Z').openapi({ description: 'When the latest member joined' }),
    size: num(50, 'Members so far'),
    open: num(50, 'Members still open'),
    active: num(50),
    unacknowledged: num(50),
    red: num(0, 'Open red members (each is shown on its own as well)'),
    severity: z.enum(SEVERITIES).nullable().openapi({ description: 'Top severity of the open members' }),
    alerts: z
      .array(alertSchema)
      .optional()
      .openapi({ description: 'One incident only: its members, newest first' }),
  })
  .openapi('Incident');

export const incidentAckResultSchema = z
  .object({
    incident: incidentSchema,
    acknowledged: z.array(z.string()),
    skipped: z
      .array(z.object({ id: z.string(), reason: z.enum(['red', 'raised', 'changed', 'closed']) }))
      .openapi({ description: 'Members left to be taken on their own' }),
  })
  .openapi('IncidentAckResult');

/** An object whose shape is described in words (views documented in docs/*.md). */
export const described = (name: string, description: string) =>
  z.record(z.unknown()).openapi(name, { description });

const platformLinkSchema = z
  .object({
    company: str('C03'),
    state: z.enum(['online', 'offline', 'unknown']).openapi({
      description: 'unknown: the company’s platform has never published its link status',
    }),
    since: iso('2026-05-01T08:12:40.511Z').optional(),
    offlineMs: num(754000, 'Time offline within the period, ms'),
    drops: num(2, 'Times it went offline within the period'),
    before: z
      .enum(['online', 'offline'])
      .optional()
      .openapi({ description: 'The state at from (one company’s answer only)' }),
    changes: z
      .array(
        z.object({
          company: str('C03'),
          state: z.enum(['online', 'offline']),
          at: iso('2026-05-01T08:00:00.000Z'),
        }),
      )
      .optional()
      .openapi({ description: 'The changes within the period, oldest first (one company’s answer only)' }),
  })
  .openapi('PlatformLink');

export const platformLinkOneSchema = platformLinkSchema;
export const platformLinksSchema = z
  .object({
    from: iso('2026-05-01T00:00:00.000Z'),
    to: iso('2026-05-02T00:00:00.000Z'),
    links: z.array(platformLinkSchema),
  })
  .openapi('PlatformLinks');
