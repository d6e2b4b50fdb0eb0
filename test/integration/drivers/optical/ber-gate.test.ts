// BER gates through the simulated loopback: counts that behave like Poisson draws around the receiver's
// BER at the power the meter reads, zero errors where the link is clean, error insertion, and a loss of
// pattern sync reported rather than hidden. In-process and over TCP, through the MP1900A driver and dialect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbmToW } from '../../../../models/units.ts';
import { powerForBer } from '../../../../models/receiver.ts';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import type { KeysightN774xMeter } from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../../../../drivers/instruments/keysight-n776x.ts';
import type { KeysightN776xAttenuator } from '../../../../drivers/instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { anritsuMp1900aDescriptor } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import type { AnritsuMp1900a } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import type { BertResults } from '../../../../drivers/roles/bert.ts';
import { receiverBer } from '../../../../sim/world/receiver-link.ts';
import { LINKS, simFixture } from './sim-fixture.ts';
import type { SimFixture } from './sim-fixture.ts';

const RATE_GBPS = 25.78125;
/** The MP1900A gates in whole seconds; in fast mode a second of bench time costs nothing. */
const GATE_S = 1;

describe.each(LINKS)('BER gates through the loopback (%s)', (link) => {
  let f: SimFixture;
  let meter: KeysightN774xMeter;
  let voa: KeysightN776xAttenuator;
  let bert: AnritsuMp1900a;

  beforeEach(async () => {
    f = await simFixture(link, { seed: 5 });
    await f.align();
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    meter = await f.open(keysightN774xDescriptor, 'meter');
    voa = await f.open(keysightN776xDescriptor, 'voa');
    bert = await f.open(anritsuMp1900aDescriptor, 'bert');
    await laser.setWavelength_nm(1550);
    await laser.setPower_dBm(13);
    await laser.setOutput(true);
    await voa.setAttenuation_dB(0);
    await voa.setOutput(true);
    await voa.waitSettled();
    await meter.setWavelength_nm(1, 1550);
    await meter.setAveragingTime_s(1, 1);
    await bert.setPattern('PRBS7');
    await bert.setLineRate_Gbps(RATE_GBPS);
    await bert.setOutput(true);
    await bert.setGate({ mode: 'time', period_s: GATE_S });
  });
  afterEach(async () => {
    await f.close();
  });

  async function gate(): Promise<BertResults> {
    await bert.startGate();
    await bert.waitGate(10);
    return bert.results();
  }

  it('a clean link: exact bit count, zero errors, BER 0; one inserted error is counted once', async () => {
    expect(await bert.synced()).toBe(true);
    const clean = await gate();
    expect(clean).toEqual({ bits: RATE_GBPS * 1e9 * GATE_S, errors: 0, ber: 0, sync: true, syncLost: false, syncLoss_s: 0 });
    await bert.setGate({ mode: 'bits', bits: 1e9 });
    await bert.startGate();
    await bert.insertError();
    await bert.waitGate(10);
    expect(await bert.results()).toMatchObject({ bits: 1e9, errors: 1, ber: 1e-9, sync: true, syncLost: false });
  });

  it('near sensitivity: counts scatter like Poisson draws around the BER the receiver has at the measured power', async () => {
    const truth = f.bench.truth().optical;
    // The meter's port 1 and the BERT sit on the two arms of one splitter.
    const meterToBert_dB = truth.splitter.toMeter_dB - truth.splitter.toBert_dB;
    const p0_dBm = await meter.readPower_dBm(1);
    const target_dBm = powerForBer(1e-6, truth.receiver);
    await voa.setAttenuation_dB(Math.round((p0_dBm + meterToBert_dB - target_dBm) * 100) / 100);
    await voa.waitSettled();
    const atBert_dBm = (await meter.readPower_dBm(1)) + meterToBert_dB;
    const expectedBer = receiverBer(dbmToW(atBert_dBm), RATE_GBPS * 1e9, 'PRBS7', truth);
    expect(expectedBer).toBeGreaterThan(3e-7);
    expect(expectedBer).toBeLessThan(3e-6);

    const gates: BertResults[] = [];
    for (let i = 0; i < 20; i++) gates.push(await gate());
    for (const g of gates) {
      expect(g.bits).toBe(RATE_GBPS * 1e9 * GATE_S);
      expect(Number.isInteger(g.errors)).toBe(true);
      // The ED's error rate carries 5 significant digits.
      expect(g.ber / (g.errors / g.bits)).toBeCloseTo(1, 3);
      expect(g).toMatchObject({ sync: true, syncLost: false });
    }
    const errors = gates.map((g) => g.errors);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const variance = errors.reduce((a, e) => a + (e - mean) ** 2, 0) / (errors.length - 1);
    // Poisson: the variance equals the mean. For 20 gates var/mean lies in [0.3, 2.3] with > 99.9 % probability.
    expect(variance / mean).toBeGreaterThan(0.3);
    expect(variance / mean).toBeLessThan(2.3);
    // And the mean is the receiver's BER × bits (statistical 1.4 %, the power reading's share ~1 %).
    const lambda = expectedBer * RATE_GBPS * 1e9 * GATE_S;
    expect(mean / lambda).toBeGreaterThan(0.9);
    expect(mean / lambda).toBeLessThan(1.1);
  });

  it('a loss of pattern sync is reported in the results, and clears once sync is back', async () => {
    f.bench.faults.loseBertSync();
    expect(await bert.synced()).toBe(false);
    const lost = await gate();
    expect(lost).toMatchObject({ sync: false, syncLost: true });
    // Without sync the detector compares random bits: about half of them "err".
    expect(lost.ber).toBeGreaterThan(0.45);
    expect(lost.ber).toBeLessThan(0.55);
    expect(lost.syncLoss_s).toBe(1); // a 1 s gate: one alarm interval
    f.bench.faults.restoreBertSync();
    expect(await gate()).toMatchObject({ errors: 0, sync: true, syncLost: false, syncLoss_s: 0 });
    // A result, not an error: nothing was queued for the loss (a real MP1900A queues nothing either).
    await bert.session.checkErrors();
  });

  it('a loss in the middle of a gate, over before it ends: sync is back, but the gate is still marked', async () => {
    await bert.setGate({ mode: 'time', period_s: 5 });
    await bert.startGate();
    const t0 = f.bench.clock.now_s();
    await f.bench.clock.advanceTo(t0 + 1.5);
    f.bench.faults.loseBertSync();
    await f.bench.clock.advanceTo(t0 + 2.2);
    f.bench.faults.restoreBertSync();
    await bert.waitGate(10);
    const r = await bert.results();
    // The loss touched the alarm intervals 1 and 2 (1.5…2.2 s): 2 sync-loss seconds.
    expect(r).toMatchObject({ sync: true, syncLost: true, syncLoss_s: 2 });
    expect(r.errors).toBeGreaterThan(0.4 * 0.7 * RATE_GBPS * 1e9); // ~0.7 s of random bits at BER 0.5
    await bert.session.checkErrors();
  });

  it('a detector with a different pattern has no sync either: the driver sets both ends together', async () => {
    await bert.session.write(':UENT:ID 1;:MOD:ID 2;:SENS:PATT:PRBS:LENG 31');
    await bert.session.checkErrors();
    expect(await bert.synced()).toBe(false);
    await bert.setPattern('PRBS31');
    expect(await bert.synced()).toBe(true);
  });
});
