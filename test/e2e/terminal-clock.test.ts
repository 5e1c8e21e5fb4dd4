import type { DeviceView } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { useOperatorStand } from './helpers';

/**
 * Alarms that do not depend on the terminal's clock, on the built apps: an SOS from a truck whose clock
 * runs five minutes fast raises a red truck.sos on /live at once, placed at its arrival; device.fault names
 * the clock; the device's lastSeen stays in the present; the reading is stored at its own stamp,
 * unqualified. A gas detector's alarm with a fast clock is taken the same way.
 */
describe("alarms that do not depend on the terminal's clock, end to end", () => {
  const stand = useOperatorStand();

  it('raises a red truck.sos from a clock 5 minutes fast at its arrival, with a clock fault, and keeps lastSeen in the present', async () => {
    const { platform, gateway, token, live: operator } = stand;
    const c01 = await stand.connect('C01');
    const truck = platform.registry.device('T002')!;
    expect(truck.owner).toBe('C01');
    const sent = Date.now();
    const stamp = sent + 5 * 60_000;
    await c01.publishAsync(
      `${platform.root}/truck/C01/T002/telemetry`,
      JSON.stringify({ ts: stamp, lat: 22.7201, lon: 114.2468, speed: 30, heading: 90, alarm: 1 }),
      { qos: 1 },
    );
    const sos = await operator.waitForAlert(
      (a) => a.device === 'T002' && a.rule === 'truck.sos',
      'the red truck.sos on /live',
    );
    const received = Date.now();
    expect(sos).toMatchObject({ severity: 'red', active: true, acknowledged: false, value: '0x00000001' });
    // Placed at its arrival, not at the terminal's stamp.
    expect(Date.parse(sos.openedAt)).toBeGreaterThanOrEqual(sent);
    expect(Date.parse(sos.openedAt)).toBeLessThanOrEqual(received);

    const fault = await operator.waitForAlert(
      (a) => a.device === 'T002' && a.rule === 'device.fault',
      'device.fault for the clock',
    );
    expect(fault).toMatchObject({ severity: 'yellow', message: expect.stringContaining('时钟') });
    expect(Date.parse(fault.openedAt)).toBeLessThanOrEqual(received);

    const devices = (await (
      await fetch(`${gateway}/api/devices`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as DeviceView[];
    const seen = devices.find((d) => d.id === 'T002');
    expect(seen?.online).toBe(true);
    expect(Date.parse(seen!.lastSeen!)).toBeGreaterThanOrEqual(sent);
    expect(Date.parse(seen!.lastSeen!)).toBeLessThanOrEqual(received);

    // Stored as it was sent: at its own stamp, unqualified.
    await waitFor('the reading in InfluxDB', async () => {
      const rows = await platform.influxQuery(
        `SELECT alarm, q, why FROM raw_truck.truck WHERE device = 'T002'`,
      );
      return rows.some((r) => r.time === stamp && r.q === 'bad' && r.why === 'future_ts' && r.alarm === 1);
    });

    // The terminal's clock is set right: the next report is on time and the clock fault clears.
    await c01.publishAsync(
      `${platform.root}/truck/C01/T002/telemetry`,
      JSON.stringify({ ts: Date.now(), lat: 22.7202, lon: 114.247, speed: 30, heading: 90, alarm: 1 }),
      { qos: 1 },
    );
    await operator.waitForAlert((a) => a.id === fault.id && !a.active, 'the clock fault clearing');
  });

  it('takes a gas alarm from a detector whose clock runs 10 minutes fast', async () => {
    const { platform, live: operator } = stand;
    const p01 = await stand.connect('P01');
    const sent = Date.now();
    await p01.publishAsync(
      `${platform.root}/gas/P01/G003/telemetry`,
      JSON.stringify({ ts: sent + 10 * 60_000, lel: 70, gas: 'CH4' }),
      { qos: 1 },
    );
    const gas = await operator.waitForAlert(
      (a) => a.device === 'G003' && a.rule === 'gas.lel',
      'the red gas.lel alert on /live',
    );
    expect(gas).toMatchObject({ severity: 'red', value: 70 });
    expect(Date.parse(gas.openedAt)).toBeLessThanOrEqual(Date.now());
  });
});
