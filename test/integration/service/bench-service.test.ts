// BenchService against the in-process simulator: opening and closing, manual control read back from the
// instruments, soft limits, the SCPI console, the monitor, and the errors each refusal gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BenchService } from '../../../service/bench-service.ts';
import { SIM_WAFER_Z_SOFT_MIN_UM, SIM_Z_SOFT_MIN_UM } from '../../../sim/link/bench-file.ts';
import type { BenchStatus, LaserReport, MeterReading } from '../../../service/bench-types.ts';

let dir: string;
let service: BenchService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'g1-service-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), monitor: { enabled: false } });
});

afterEach(async () => {
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('BenchService: the bench', () => {
  it('opens the simulator with every instrument identified, and closes it', async () => {
    const seen: BenchStatus[] = [];
    service.on('bench', (s) => seen.push(s));
    const status = await service.openBench({ kind: 'sim', seed: 3 });
    expect(status.open).toBe(true);
    expect(status.source).toEqual({ kind: 'sim', seed: 3, realtime: false });
    expect(status.instruments.map((i) => i.role)).toEqual(['laser', 'meter', 'voa', 'bert', 'stage', 'meter-array', 'stage-hexapod', 'bert-pam4']);
    const laser = status.instruments.find((i) => i.role === 'laser');
    expect(laser?.identity).toMatch(/N777/);
    expect(laser?.limits?.wavelength_nm.min).toBeLessThan(1550);
    expect(status.instruments.find((i) => i.role === 'meter')?.channels).toEqual([1, 2, 3, 4]);
    expect(status.instruments.find((i) => i.role === 'stage')?.axes?.map((a) => a.axis)).toEqual(['X', 'Y', 'Z']);
    expect(seen.at(-1)?.open).toBe(true);
    // JSON all the way: what IPC and the WebSocket carry.
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);

    await service.setLaser({ output: true });
    const closed = await service.closeBench();
    expect(closed.open).toBe(false);
    expect(seen.at(-1)?.open).toBe(false);
    await expect(service.laserState()).rejects.toThrow(/no bench is open/);
  });

  it('opens the simulated wafer when asked for world: wafer, with the wafer\'s Z soft limit, and the chip world by default', async () => {
    const status = await service.openBench({ kind: 'sim', seed: 4, world: 'wafer' });
    expect(status.source).toEqual({ kind: 'sim', seed: 4, realtime: false, world: 'wafer' });
    expect(status.name).toBe('simulated wafer bench (seed 4)');
    expect(status.instruments.find((i) => i.role === 'stage')?.axes?.find((a) => a.axis === 'Z')?.min_um).toBe(SIM_WAFER_Z_SOFT_MIN_UM);
    const chip = await service.openBench({ kind: 'sim', seed: 4 });
    expect(chip.source).toEqual({ kind: 'sim', seed: 4, realtime: false });
    expect(chip.instruments.find((i) => i.role === 'stage')?.axes?.find((a) => a.axis === 'Z')?.min_um).toBe(SIM_Z_SOFT_MIN_UM);
  });

  it('pushes the laser\'s state to every window: when the bench opens, after a switch, a console line, Make safe, and an interlock trip nobody asked about', async () => {
    await service.shutdown();
    service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), monitor: { enabled: false }, laserWatch: { interval_s: 0.05 } });
    const seen: LaserReport[] = [];
    service.on('laser', (r) => seen.push(r));
    const last = () => seen.at(-1);
    await service.openBench({ kind: 'sim', seed: 2 });
    await expect.poll(() => last()?.state?.output).toBe(false);
    expect(last()).toMatchObject({ role: 'laser', error: null });

    await service.setLaser({ output: true });
    expect(last()?.state?.output).toBe(true);
    await service.scpi({ role: 'laser', command: ':SOUR0:POW:STAT 0' });
    expect(last()?.state?.output).toBe(false);
    await service.setLaser({ output: true });
    await service.makeSafe();
    expect(last()?.state?.output).toBe(false);

    // Emitting again, then the interlock trips: no call of ours switched it off, the watch sees it.
    await service.setLaser({ output: true });
    const before = seen.length;
    service.simulator?.faults.tripInterlock();
    await expect.poll(() => last()?.state?.output, { timeout: 5000 }).toBe(false);
    expect(seen.length).toBeGreaterThan(before);
    expect(JSON.parse(JSON.stringify(last()))).toEqual(last());
  });

  it('reports a laser it cannot read as unknown (state null, the reason), never as off', async () => {
    await service.shutdown();
    service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), monitor: { enabled: false }, laserWatch: { interval_s: 0.05 } });
    const seen: LaserReport[] = [];
    service.on('laser', (r) => seen.push(r));
    await service.openBench({ kind: 'sim', seed: 2 });
    await service.setLaser({ output: true });
    service.simulator?.faults.stopAnswering('laser');
    await expect.poll(() => seen.at(-1)?.state, { timeout: 15_000 }).toBeNull();
    expect(seen.at(-1)?.error).toMatch(/\w/);
    // Closing keeps trying the laser's safe state until it answers (or a minute passes): let it answer.
    service.simulator?.faults.stopAnswering('laser', false);
  });

  it('takes two opens asked at once in turn: one bench open at the end, the earlier one closed safely', async () => {
    const [a, b] = await Promise.all([service.openBench({ kind: 'sim', seed: 5 }), service.openBench({ kind: 'sim', seed: 6 })]);
    expect(a.source).toEqual({ kind: 'sim', seed: 5, realtime: false });
    expect(b.source).toEqual({ kind: 'sim', seed: 6, realtime: false });
    expect((await service.benchStatus()).source).toEqual({ kind: 'sim', seed: 6, realtime: false });
    expect((await service.laserState()).output).toBe(false);
  });

  it('refuses manual control before a bench is open, naming the call', async () => {
    await expect(service.jogStage({ axis: 'X', delta_um: 10 })).rejects.toMatchObject({ name: 'BenchNotOpenError', message: expect.stringMatching(/^jogStage: no bench is open/) });
  });

  it('turns a bench file that does not exist into a clear error', async () => {
    await expect(service.openBench({ kind: 'file', path: join(dir, 'missing.yaml') })).rejects.toThrow(/missing\.yaml/);
    expect((await service.benchStatus()).open).toBe(false);
  });
});

describe('BenchService: manual control', () => {
  beforeEach(async () => {
    await service.openBench({ kind: 'sim', seed: 1 });
  });

  it('sets the laser and reads the settings back from the instrument', async () => {
    const s = await service.setLaser({ wavelength_nm: 1561.5, power_dBm: 3, output: true });
    expect(s).toMatchObject({ role: 'laser', wavelength_nm: 1561.5, power_dBm: 3, output: true });
    expect((await service.laserState()).output).toBe(true);
    expect((await service.setLaser({ output: false })).output).toBe(false);
  });

  it('refuses a wavelength outside the laser range, and records it as the laser\'s last error', async () => {
    await expect(service.setLaser({ wavelength_nm: 1700 })).rejects.toThrow(/1700.*1480…1640 nm|1480.*1640/);
    const laser = (await service.benchStatus()).instruments.find((i) => i.role === 'laser');
    expect(laser?.state).toBe('error');
    expect(laser?.lastError).toMatchObject({ operation: 'setLaser', message: expect.stringMatching(/1700/) });
    // The next good call clears the error state (the last error stays for the record).
    await service.laserState();
    expect((await service.benchStatus()).instruments.find((i) => i.role === 'laser')?.state).toBe('ok');
  });

  it('reads the meter: the input monitor sees the laser only when it is on', async () => {
    await service.setVoa({ output: true, attenuation_dB: 0 });
    await service.setLaser({ output: false });
    const dark = await service.readMeter({ channels: [2] });
    await service.setLaser({ output: true, power_dBm: 5 });
    const lit = await service.readMeter({ channels: [2] });
    expect(dark.channels.map((c) => c.channel)).toEqual([2]);
    const darkMw = dark.channels[0]?.power_mW ?? 0;
    const litDbm = lit.channels[0]?.power_dBm ?? -Infinity;
    const litMw = lit.channels[0]?.power_mW ?? 0;
    expect(litDbm).toBeGreaterThan(-40);
    expect(litMw).toBeGreaterThan(darkMw * 100);
    expect(litMw).toBeCloseTo(10 ** (litDbm / 10), 9);
    await expect(service.readMeter({ channels: [7] })).rejects.toThrow(/no channel 7; its channels are 1, 2, 3, 4/);
  });

  it('configures a meter channel and reads it back', async () => {
    const s = await service.setMeter({ channel: 1, wavelength_nm: 1310, averagingTime_s: 0.01, autoRange: true });
    expect(s).toMatchObject({ role: 'meter', channel: 1, wavelength_nm: 1310, autoRange: true });
    expect(s.averagingTime_s).toBeCloseTo(0.01, 6);
  });

  it('jogs and moves the stage, pushing positions, and refuses moves beyond the soft limits before moving', async () => {
    const pushed: string[] = [];
    service.on('stage', (s) => pushed.push(s.axes.map((a) => a.position_um.toFixed(0)).join(',')));
    const moved = await service.moveStage({ axis: 'X', target_um: 12500 });
    expect(moved.axes.find((a) => a.axis === 'X')?.position_um).toBeCloseTo(12500, 0);
    const jogged = await service.jogStage({ axis: 'X', delta_um: 250 });
    const x = jogged.axes.find((a) => a.axis === 'X');
    expect(x?.position_um).toBeCloseTo(12750, 0);
    expect(x).toMatchObject({ min_um: 0, max_um: 25000, atMin: false, atMax: false });
    expect(pushed).toHaveLength(2);

    const z = (await service.stageState()).axes.find((a) => a.axis === 'Z');
    await expect(service.moveStage({ axis: 'Z', target_um: 4000 })).rejects.toMatchObject({ name: 'SoftLimitError' });
    expect((await service.stageState()).axes.find((a) => a.axis === 'Z')?.position_um).toBeCloseTo(z?.position_um ?? NaN, 3);
    await expect(service.jogStage({ axis: 'Q', delta_um: 1 })).rejects.toThrow(/unknown axis 'Q'/);
  });

  it('sets the VOA and the BERT, and counts bits in a gate', async () => {
    expect(await service.setVoa({ attenuation_dB: 7.5, output: true })).toMatchObject({ attenuation_dB: 7.5, output: true });
    // The simulated BERT is an MP1900A: its gating period is whole seconds.
    const b = await service.setBert({ pattern: 'PRBS15', lineRate_Gbps: 25.78125, output: true, gate: { mode: 'time', period_s: 2 } });
    expect(b).toMatchObject({ pattern: 'PRBS15', lineRate_Gbps: 25.78125, output: true, gate: { mode: 'time', period_s: 2 } });
    await service.startBertGate();
    const after = await service.stopBertGate();
    expect(after.running).toBe(false);
    // Stopped at once: some bits were compared (the exchanges take bench time), never more than the 2 s gate holds.
    expect(after.results.bits).toBeGreaterThan(0);
    expect(after.results.bits).toBeLessThanOrEqual(2 * 25.78125e9);
    expect(JSON.parse(JSON.stringify(after))).toEqual(after);
  });

  it('picks roles by kind and refuses a role of the wrong kind', async () => {
    await expect(service.laserState({ role: 'meter' })).rejects.toMatchObject({ name: 'ServiceRoleError', message: expect.stringMatching(/role 'meter' is a meter .*not a laser/) });
    await expect(service.laserState({ role: 'laser9' })).rejects.toThrow(/has no role 'laser9'/);
  });

  it('puts every instrument in its safe state on makeSafe', async () => {
    await service.setLaser({ output: true });
    const r = await service.makeSafe();
    expect(r.ok).toBe(true);
    expect((await service.laserState()).output).toBe(false);
  });
});

describe('BenchService: SCPI console', () => {
  beforeEach(async () => {
    await service.openBench({ kind: 'sim', seed: 1 });
  });

  it('answers a query with the instrument reply', async () => {
    const r = await service.scpi({ role: 'meter', command: '*IDN?' });
    expect(r).toMatchObject({ role: 'meter', kind: 'query', errors: [], failure: null });
    expect(r.reply).toBe((await service.benchStatus()).instruments.find((i) => i.role === 'meter')?.identity);
  });

  it('returns the instrument error of a bad command as data', async () => {
    const r = await service.scpi({ role: 'laser', command: ':NOPE:NOTHING 1' });
    expect(r.kind).toBe('command');
    expect(r.reply).toBeNull();
    expect(r.errors[0]?.code).toBe(-113);
    // A typo at the console is not an instrument fault.
    expect((await service.benchStatus()).instruments.find((i) => i.role === 'laser')?.state).toBe('ok');
  });

  it('sends a command that changes the instrument', async () => {
    await service.scpi({ role: 'laser', command: ':SOUR0:WAV 1555.5NM' });
    expect((await service.laserState()).wavelength_nm).toBeCloseTo(1555.5, 6);
  });

  it('refuses a role the bench lacks', async () => {
    await expect(service.scpi({ role: 'scope', command: '*IDN?' })).rejects.toThrow(/no role 'scope'; it has laser, meter, voa, bert, stage/);
  });
});

describe('BenchService: the meter monitor', () => {
  it('pushes readings while a bench is open, and reports why it is idle otherwise', async () => {
    const readings: MeterReading[] = [];
    service.on('monitor', (r) => readings.push(r));
    expect(await service.setMonitor({ enabled: true, interval_s: 0.05, channels: [1, 2] })).toMatchObject({ active: false, idleReason: 'no bench is open' });
    await service.openBench({ kind: 'sim', seed: 1 });
    await expect.poll(() => readings.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(readings[0]?.channels.map((c) => c.channel)).toEqual([1, 2]);
    expect(await service.monitorState()).toMatchObject({ enabled: true, active: true, role: 'meter', channels: [1, 2] });
    await service.setMonitor({ enabled: false });
    const n = readings.length;
    await new Promise((r) => setTimeout(r, 300));
    // At most the reading already in flight when it was switched off.
    expect(readings.length).toBeLessThanOrEqual(n + 1);
    expect((await service.monitorState()).idleReason).toBe('the monitor is off');
  });
});
