import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ROLES, UnknownRoleError, VirtualBench } from '../../../sim/index.ts';
import { LineClient } from '../../unit/sim/link/line-client.ts';
import { alive, dial } from './probes.ts';

describe('VirtualBench', () => {
  let bench: VirtualBench | undefined;
  const ports: SerialPort[] = [];
  const clients: LineClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stream.destroy();
    for (const p of ports.splice(0)) if (p.isOpen) await new Promise<void>((r) => p.close(() => r()));
    await bench?.close();
    bench = undefined;
  });

  function make(opts: ConstructorParameters<typeof VirtualBench>[0] = {}): VirtualBench {
    bench = new VirtualBench(opts);
    return bench;
  }

  function scpi(role: string): LineClient {
    // The Santec TSL ends its replies with CR, every other SCPI box here with LF.
    const c = new LineClient((bench as VirtualBench).connect(role), role === 'laser-santec' ? '\r' : '\n');
    clients.push(c);
    return c;
  }

  it('composes every role in serving order and answers each in its dialect in-process', async () => {
    const b = make({ seed: 3 });
    expect(b.roles).toEqual([...SIM_ROLES]);
    for (const role of ['meter', 'laser', 'laser-santec', 'voa', 'bert', 'stage']) {
      expect(await scpi(role).query(role === 'laser-santec' ? '*IDN?\r' : '*IDN?\n')).toBe(b.instrument(role).identity);
    }
    const esp = new LineClient(b.connect('stage-esp'), '\r\n');
    clients.push(esp);
    expect(await esp.query('VE?\r')).toMatch(/^ESP301 Version 3/);
    expect(await scpi('stage-pi').query('*IDN?\n')).toMatch(/Physik Instrumente/);
  });

  it('connect of an unknown role throws naming it and the known roles', () => {
    const b = make();
    expect(() => b.connect('scope')).toThrow(UnknownRoleError);
    expect(() => b.connect('scope')).toThrow(`no simulated instrument has the role 'scope'; known roles: ${SIM_ROLES.join(', ')}`);
    expect(() => b.instrument('scope')).toThrow(/instrument: no simulated instrument has the role 'scope'/);
  });

  it('refuses bad options with the option named', () => {
    expect(() => new VirtualBench({ seed: 1.5 })).toThrow('VirtualBench: seed must be an integer, got 1.5');
    expect(() => new VirtualBench({ drift_um_per_h: -1 })).toThrow('VirtualBench: drift_um_per_h must be a finite number ≥ 0, got -1');
    expect(() => new VirtualBench({ mode: 'slow' as 'fast' })).toThrow("VirtualBench: mode must be 'fast' or 'realtime', got 'slow'");
  });

  it('spends bench time, not wall time, in fast mode', async () => {
    const b = make();
    expect(b.clock.mode).toBe('fast');
    const meter = scpi('meter');
    meter.write(':SENS1:CHAN1:POW:ATIME 500MS\n');
    const before = b.benchTime_s();
    await meter.query(':READ1:CHAN1:POW?\n');
    expect(b.benchTime_s() - before).toBeGreaterThanOrEqual(0.5);
  });

  it('one world: the optics follow the stage, and the same seed hides the same chip', async () => {
    const b = make({ seed: 11 });
    expect(new VirtualBench({ seed: 11 }).truth().optical.sites).toEqual(b.truth().optical.sites);
    expect(new VirtualBench({ seed: 12 }).truth().optical.sites).not.toEqual(b.truth().optical.sites);
    const opt = b.truth().optical.optimaNow_um[0];
    if (!opt) throw new Error('no site 0 in the truth');
    const stage = scpi('stage');
    const laser = scpi('laser');
    const voa = scpi('voa');
    const meter = scpi('meter');
    voa.write(':INP1:ATT 0DB;:OUTP1:STAT 1\n');
    laser.write(':SOUR0:WAV 1550NM;:SOUR0:POW 0DBM;:SOUR0:POW:STAT 1\n');
    const moveTo = async (x: number, y: number, z: number): Promise<void> => {
      stage.write(`:AXIS3:POS ${z + 500};:AXIS1:POS ${x};:AXIS2:POS ${y}\n`);
      for (const axis of [1, 2]) while ((await stage.query(`:AXIS${axis}:MOT?\n`)) !== '0');
      stage.write(`:AXIS3:POS ${z}\n`);
      while ((await stage.query(':AXIS3:MOT?\n')) !== '0');
    };
    await moveTo(opt.x_um, opt.y_um, opt.z_um);
    const aligned_dBm = Number(await meter.query(':READ1:CHAN1:POW?\n'));
    await moveTo(opt.x_um + 60, opt.y_um, opt.z_um);
    const off_dBm = Number(await meter.query(':READ1:CHAN1:POW?\n'));
    expect(aligned_dBm).toBeGreaterThan(off_dBm + 20);
    expect(await stage.query('SYST:ERR?\n')).toMatch(/^\+?0,/);
  });

  it('scripts the physical faults through the real instruments', async () => {
    const b = make({ seed: 2 });
    const laser = scpi('laser');
    const stage = scpi('stage');
    const bert = scpi('bert');

    laser.write(':SOUR0:POW:STAT 1\n');
    expect(await laser.query(':SOUR0:POW:STAT?\n')).toBe('1');
    b.faults.tripInterlock();
    expect(await laser.query(':SOUR0:POW:STAT?\n')).toBe('0');
    expect(await laser.query('SYST:ERR?\n')).toMatch(/^-2\d\d,/);
    b.faults.resetInterlock();
    laser.write(':SOUR0:POW:STAT 1\n');
    expect(await laser.query(':SOUR0:POW:STAT?\n')).toBe('1');

    b.faults.stallStage('X');
    stage.write(':AXIS1:POS 2000\n');
    expect(await stage.query(':AXIS1:MOT?\n')).toBe('1');
    expect(await stage.query(':AXIS1:MOT?\n')).toBe('1');
    expect(Number(await stage.query(':AXIS1:POS?\n'))).toBeLessThan(2000);
    b.faults.unstallStage('X');
    expect(await stage.query(':AXIS1:MOT?\n')).toBe('0');

    b.faults.loseBertSync();
    expect(b.faults.active()).toEqual(['bert: pattern sync lost']);
    expect(await bert.query(':UENT:ID 1;:MOD:ID 2;:CALC:DATA:MON? "PSL"\n')).toBe('"Occur"');
    b.faults.clear();
    expect(b.faults.active()).toEqual([]);

    b.faults.pushError('meter', -241, 'detector head missing');
    expect(await scpi('meter').query('SYST:ERR?\n')).toBe('-241,"Hardware missing;detector head missing"');
    b.faults.pushError('stage-esp', 7);
    const esp = new LineClient(b.connect('stage-esp'), '\r\n');
    clients.push(esp);
    expect(await esp.query('TE?\r')).toBe('7');
  });

  it('scripts the link faults on real instruments, over TCP too', async () => {
    const b = make();
    const served = await b.serveTcp({ portBase: 0 });
    const meter = await dial(served.port('meter'));
    clients.push(meter);
    b.faults.answerGarbage('meter');
    const junk = await meter.query('*IDN?\n');
    expect(junk).not.toBe(b.instrument('meter').identity);
    expect(await meter.query('*IDN?\n')).toBe(b.instrument('meter').identity);
    b.faults.stopAnswering('meter');
    await expect(meter.query('*IDN?\n', 150)).rejects.toThrow(/no reply/);
    b.faults.stopAnswering('meter', false);
    expect(b.faults.dropConnection('meter')).toBe(1);
    await meter.waitClosed();
    const again = await dial(served.port('meter'));
    clients.push(again);
    expect(await again.query('*IDN?\n')).toBe(b.instrument('meter').identity);
  });

  it('serves the ESP301 on a pty and leaves nothing behind on close', async () => {
    const b = make();
    const served = await b.serveTcp({ portBase: 0 });
    const pty = await b.servePty('stage-esp');
    expect(pty.path.endsWith('/esp301-client')).toBe(true);
    const port = new SerialPort({ path: pty.path, baudRate: 921600, autoOpen: false });
    ports.push(port);
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const esp = new LineClient(port, '\r\n');
    expect(await esp.query('VE?\r')).toMatch(/^ESP301/);
    esp.write('1PA1.5\r');
    while ((await esp.query('1MD?\r')) !== '1');
    expect(Number(await esp.query('1TP?\r'))).toBeCloseTo(1.5, 3);
    expect(await esp.query('TE?\r')).toBe('0');
    const tcpMeter = await dial(served.port('meter'));
    const inProc = new LineClient(b.connect('laser'));

    const pid = pty.pid;
    expect(alive(pid)).toBe(true);
    await b.close();
    expect(alive(pid)).toBe(false);
    expect(existsSync(pty.path)).toBe(false);
    expect(existsSync(dirname(pty.path))).toBe(false);
    await tcpMeter.waitClosed();
    await inProc.waitClosed();
    for (const e of served.endpoints) await expect(dial(e.port)).rejects.toThrow(/ECONNREFUSED/);
    await b.close();
  });
});
