import fc from 'fast-check';
import { Registry } from '@lg/registry';
import { checkOverrideTargets, configFor, resolvePack, RuleConfigError, ruleOverrideSchema } from './pack';
import { RULES } from './table';

/**
 * Properties of the rule pack's validation, which `PUT /api/rules/{rule}` runs on whatever an operator's
 * client sends: it answers every body with a pack or a `RuleConfigError` naming the rule and the key (never
 * another error, never a silently ignored key), and every configuration it accepts is one its rule accepts.
 */

const registry = Registry.load('config/registry/minimal.json');
const ruleName = fc.constantFrom(...RULES.map((r) => r.name));

/** What `RulePackStore.update` does with a body, without Redis: schema, targets, the whole pack. */
function validate(rule: string, body: unknown) {
  const shape = ruleOverrideSchema.safeParse(body);
  if (!shape.success) return { ok: false as const, message: `${rule}: ${shape.error.issues[0].message}` };
  try {
    checkOverrideTargets(rule, body, registry);
    return { ok: true as const, pack: resolvePack({ [rule]: shape.data }) };
  } catch (err) {
    if (!(err instanceof RuleConfigError)) throw err;
    return { ok: false as const, message: err.message };
  }
}

/** Values of every sort, including huge, tiny, negative and deeply nested ones. */
const value = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, true, false, null, '', '25', 'red'),
  fc.jsonValue({ maxDepth: 4 }),
);
/** A config object mixing the rule's own keys (with any value) and other keys. */
const config = (rule: string) => {
  const keys = Object.keys(RULES.find((r) => r.name === rule)!.defaults as object);
  return fc.dictionary(
    fc.oneof(keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x'), fc.string({ maxLength: 12 })),
    value,
    { maxKeys: 4 },
  );
};
const ids = fc.constantFrom(
  'T001',
  'T004',
  'G001',
  'SL-S01-1',
  'NOPE',
  'C01',
  'S01',
  'P01',
  '__proto__',
  'toString',
);

describe('rule pack validation: properties', () => {
  it('answers any body with a pack or a RuleConfigError naming the rule, never anything else', () => {
    fc.assert(
      fc.property(
        ruleName.chain((rule) =>
          fc.tuple(
            fc.constant(rule),
            fc.oneof(
              fc.jsonValue({ maxDepth: 5 }),
              fc.record(
                {
                  enabled: fc.oneof(fc.boolean(), value),
                  config: fc.oneof(config(rule), value),
                  owners: fc.dictionary(ids, fc.oneof(config(rule), value), { maxKeys: 3 }),
                  devices: fc.dictionary(ids, fc.oneof(config(rule), value), { maxKeys: 3 }),
                },
                { requiredKeys: [] },
              ),
            ),
          ),
        ),
        ([rule, body]) => {
          const out = validate(rule, JSON.parse(JSON.stringify(body)));
          if (!out.ok) {
            expect(out.message.startsWith(`${rule}`)).toBe(true);
            return;
          }
          // Accepted: every effective configuration, for every device, is one the rule itself accepts.
          const resolved = out.pack.rules.get(rule)!;
          for (const device of registry.allDevices()) {
            expect(resolved.rule.configSchema.safeParse(configFor(resolved, device)).success).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses an unknown config key of any rule, naming it', () => {
    fc.assert(
      fc.property(
        ruleName,
        fc.stringMatching(/^[a-z][A-Za-z]{0,15}$/),
        fc.oneof(fc.integer(), fc.boolean()),
        (rule, key, v) => {
          const known = Object.keys(RULES.find((r) => r.name === rule)!.defaults as object);
          fc.pre(!known.includes(key));
          const out = validate(rule, { config: { [key]: v } });
          expect(out).toMatchObject({ ok: false, message: expect.stringContaining(key) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses overrides for owners and devices that are not registered, or not of the rule’s kind', () => {
    expect(validate('gas.lel', { devices: { G999: { red: 40 } } })).toEqual({
      ok: false,
      message: 'gas.lel: devices.G999: no such device in the registry',
    });
    expect(validate('gas.lel', { devices: { T001: { red: 40 } } })).toEqual({
      ok: false,
      message: 'gas.lel: devices.T001: is a truck, the rule is for gas',
    });
    expect(validate('truck.overspeed', { owners: { P01: { roadLimitKmh: 50 } } })).toEqual({
      ok: false,
      message: 'truck.overspeed: owners.P01: owns gas devices, the rule is for truck',
    });
    expect(validate('gas.lel', JSON.parse('{"devices":{"__proto__":{"red":40}}}'))).toMatchObject({
      ok: false,
      message: 'gas.lel: devices.__proto__: no such device in the registry',
    });
    expect(
      validate('device.offline', { owners: { C01: { factor: 4 } }, devices: { G001: { factor: 5 } } }),
    ).toMatchObject({
      ok: true,
    });
  });
});
