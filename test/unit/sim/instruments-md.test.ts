// Every command INSTRUMENTS.md lists, sent to the simulator exactly as the design document writes it:
// each is understood (no command error: SCPI -1xx, ESP301 6, PI GCS 1/2) and each query answers in the
// documented form. The per-instrument tests check behaviour; this one guards the dialects against the doc.
import { describe, expect, it } from 'vitest';
import { parseErrorQueueReply, scanBlock } from '../../../drivers/scpi/index.ts';
import type { SimInstrument } from '../../../sim/sim-instrument.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';

/** A command as written in INSTRUMENTS.md, and for a query the form of its reply. */
type Line = [message: string, reply?: RegExp | 'float32-block' | 'float64-block'];

const NR = /^[+-]?\d+(\.\d+)?(E[+-]\d+)?$/;
const IDN = /^[^,]+,[^,]+,[^,]+,[^,]+$/;

async function exchange(inst: SimInstrument, message: string): Promise<Uint8Array | undefined> {
  return inst.execute(message);
}

function text(reply: Uint8Array | undefined): string | undefined {
  return reply === undefined ? undefined : Buffer.from(reply).toString('latin1').replace(/\r?\n$|\r$/, '');
}

function checkReply(message: string, reply: Uint8Array | undefined, form: Line[1]): void {
  if (form === undefined) {
    expect(reply, `'${message}' is a command and answers nothing`).toBeUndefined();
    return;
  }
  expect(reply, `'${message}' answers`).toBeDefined();
  if (form instanceof RegExp) {
    expect(text(reply), `reply to '${message}'`).toMatch(form);
    return;
  }
  const scan = scanBlock(reply as Uint8Array);
  expect(scan.status, `'${message}' answers a definite block`).toBe('complete');
  if (scan.status === 'complete') {
    expect(scan.indefinite).toBe(false);
    expect((scan.payloadEnd - scan.payloadStart) % (form === 'float32-block' ? 4 : 8)).toBe(0);
  }
}

/** SCPI: every entry of the error queue; none may be a command error (-100…-199). */
async function scpiCommandErrors(inst: SimInstrument): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < 40; i++) {
    const entry = text(await exchange(inst, 'SYST:ERR?')) ?? '';
    const { code } = parseErrorQueueReply(entry);
    if (code === 0) break;
    if (code <= -100 && code > -200) found.push(entry);
  }
  return found;
}

async function runScpi(bench: VirtualBench, role: string, lines: readonly Line[]): Promise<void> {
  const inst = bench.instrument(role);
  for (const [message, form] of lines) {
    checkReply(message, await exchange(inst, message), form);
    expect(await scpiCommandErrors(inst), `'${message}' on ${role} is understood`).toEqual([]);
  }
}

describe('INSTRUMENTS.md, command by command, against the simulator', () => {
  it('every SCPI instrument answers the IEEE 488.2 common commands and SYST:ERR?', async () => {
    const bench = new VirtualBench({ seed: 1 });
    for (const role of ['meter', 'laser', 'laser-santec', 'voa', 'bert', 'stage']) {
      await runScpi(bench, role, [
        ['*IDN?', IDN], ['*RST'], ['*CLS'], ['*OPC?', /^1$/], ['*ESR?', /^\d+$/], ['*STB?', /^\d+$/], ['*WAI'],
        ['SYST:ERR?', /^[+]?0,"No error"$/],
      ]);
    }
    const meter = bench.instrument('meter');
    await exchange(meter, ':NOSUCH:CMD');
    await exchange(meter, ':SENS1:CHAN1:POW:WAV 9000NM');
    expect(text(await exchange(meter, 'SYST:ERR?'))).toMatch(/^-113,"Undefined header/);
    expect(text(await exchange(meter, 'SYST:ERR?'))).toMatch(/^-222,"Data out of range/);
  });

  it('power meter (Keysight N774x): settings, readings, logging with a float32 block', async () => {
    await runScpi(new VirtualBench({ seed: 1 }), 'meter', [
      [':SENS1:CHAN1:POW:WAV 1550NM'], [':SENS1:CHAN1:POW:WAV?', NR],
      [':SENS1:CHAN1:POW:UNIT 1'], [':SENS1:CHAN1:POW:UNIT 0'],
      [':SENS1:CHAN1:POW:ATIME 100MS'], [':SENS1:CHAN1:POW:RANG:AUTO 1'],
      [':READ1:CHAN1:POW?', NR], [':FETC1:CHAN1:POW?', NR], [':READ4:CHAN1:POW?', NR],
      [':TRIG1:INP SME'], [':SENS1:CHAN1:FUNC:PAR:LOGG 100,100US'], [':TRIG1:INP IGN'],
      [':SENS1:CHAN1:FUNC:STAT LOGG,STAR'], [':SENS1:CHAN1:FUNC:STAT?', /^LOGGING_STABILITY,COMPLETE$/],
      [':SENS1:CHAN1:FUNC:RES?', 'float32-block'],
    ]);
  });

  it('tunable laser (Keysight N777x): output, continuous sweep with the float64 wavelength log', async () => {
    await runScpi(new VirtualBench({ seed: 1 }), 'laser', [
      [':SOUR0:WAV 1550NM'], [':SOUR0:WAV?', NR], [':SOUR0:POW 0DBM'], [':SOUR0:POW?', NR],
      [':SOUR0:POW:UNIT 1'], [':SOUR0:POW:UNIT 0'], [':SOUR0:POW:STAT 1'], [':SOUR0:POW:STAT?', /^1$/],
      [':SOUR0:WAV:SWE:MODE CONT'], [':SOUR0:WAV:SWE:STAR 1520NM'], [':SOUR0:WAV:SWE:STOP 1580NM'],
      [':SOUR0:WAV:SWE:STEP 0.01NM'], [':SOUR0:WAV:SWE:SPE 10NM/S'], [':TRIG0:OUTP STF'], [':SOUR0:WAV:SWE:LLOG 1'],
      [':SOUR0:WAV:SWE:CHEC?', /^0,OK$/], [':SOUR0:WAV:SWE:EXP?', /^6001$/],
      [':SOUR0:WAV:SWE 1'], [':SOUR0:WAV:SWE?', /^[01]$/], [':SOUR0:WAV:SWE:FLAG?', /^\d+$/], ['*OPC?', /^1$/],
      [':SOUR0:READ:DATA? LLOG', 'float64-block'], [':SOUR0:WAV:SWE:MODE STEP'],
    ]);
  });

  it('tunable laser (Santec TSL-570 dialect)', async () => {
    await runScpi(new VirtualBench({ seed: 1 }), 'laser-santec', [
      [':WAV 1550.0000'], [':POW 1.00'], [':POW:UNIT 0'], [':POW:STAT 1'], [':POW:SHUT 0'], [':POW:ACT?', NR],
      [':WAV:SWE:MOD 1'], [':WAV:SWE:STAR 1540'], [':WAV:SWE:STOP 1560'], [':WAV:SWE:SPE 10'], [':TRIG:OUTP 3'],
      [':WAV:SWE 1'],
    ]);
  });

  it('attenuator (Keysight N776x)', async () => {
    await runScpi(new VirtualBench({ seed: 1 }), 'voa', [
      [':INP1:ATT 10DB'], [':INP1:ATT?', NR], [':INP1:WAV 1550NM'], [':INP1:OFFS 0DB'],
      [':OUTP1:STAT 1'], [':OUTP1:STAT 0'], [':OUTP1:STAT 1'], [':OUTP1:POW -10DBM'], [':OUTP1:POW?', NR],
    ]);
  });

  // INSTRUMENTS.md's BERT tree is this project's placeholder: the simulator serves it as the 'scpi-bert' dialect.
  it('BERT (the scpi-bert dialect)', async () => {
    await runScpi(new VirtualBench({ seed: 1, bertDialect: 'scpi-bert' }), 'bert', [
      [':SOUR1:PATT:SEL PRBS7'], [':SOUR1:PATT:SEL PRBS15'], [':SOUR1:PATT:SEL PRBS23'], [':SOUR1:PATT:SEL PRBS31'],
      [':SOUR1:FREQ 25.78125GHZ'], [':SOUR1:RATE?', NR], [':OUTP1:STAT 1'], [':SOUR1:EINS:ONCE'],
      [':SENS1:GATE:MODE BITS'], [':SENS1:GATE:BITS 1E12'], [':SENS1:GATE:MODE TIME'], [':SENS1:GATE:PER 10S'],
      [':SENS1:GATE:STAT 1'], [':SENS1:GATE:STAT?', /^[01]$/],
      [':FETC:SENS1:BITS?', NR], [':FETC:SENS1:ERR?', NR], [':FETC:SENS1:BER?', NR], [':SENS1:SYNC?', /^[01]$/],
    ]);
  });

  it('SCPI motion controller', async () => {
    await runScpi(new VirtualBench({ seed: 1 }), 'stage', [
      [':AXIS1:POS 100'], [':AXIS1:POS?', NR], [':AXIS1:MOVE:REL 5'], [':AXIS1:VEL 1000'], [':AXIS1:MOT?', /^[01]$/],
      [':AXIS1:HOME'], [':AXIS1:LIM:LOW?', NR], [':AXIS1:LIM:HIGH?', NR], [':STOP'],
    ]);
  });

  it('Newport ESP301: CR-terminated, replies CR LF, TB? error buffer', async () => {
    const esp = new VirtualBench({ seed: 1 }).instrument('stage-esp');
    const lines: Line[] = [
      ['1PA5.0'], ['1PR0.5'], ['1TP?', /^-?\d+\.\d+$/], ['1MD?', /^[01]$/], ['1OR'], ['1ST'], ['VE?', /^ESP301 Version 3/],
      ['TB?', /^0, \d+, NO ERROR DETECTED$/],
    ];
    for (const [message, form] of lines) {
      const reply = await exchange(esp, message);
      if (reply !== undefined) expect(Buffer.from(reply).toString('latin1')).toMatch(/\r\n$/);
      checkReply(message, reply, form);
      // 6 = COMMAND DOES NOT EXIST, 7 = PARAMETER OUT OF RANGE, 37/38 = axis or parameter missing.
      expect(text(await exchange(esp, 'TE?')), `'${message}' is understood`).toBe('0');
    }
  });

  it('PI GCS: LF-terminated, axis=value replies, ERR? register', async () => {
    const pi = new VirtualBench({ seed: 1 }).instrument('stage-pi');
    const lines: Line[] = [
      // The axis references first (FRF, polled with ONT? until done), as on the real controller.
      ['*IDN?', /Physik Instrumente/], ['SVO 1 1'], ['FRF 1'], ['ONT? 1', /^1=1$/], ['MOV 1 10.0'], ['MVR 1 0.5'], ['POS? 1', /^1=\d+\.\d{6}$/],
      ['ONT? 1', /^1=[01]$/], ['VEL 1 1.0'], ['ERR?', /^0$/],
    ];
    for (const [message, form] of lines) {
      checkReply(message, await exchange(pi, message), form);
      expect(text(await exchange(pi, 'ERR?')), `'${message}' is accepted`).toBe('0');
    }
    // STP and HLT stop the axes and, as GCS does, set error 10.
    for (const stop of ['STP', 'HLT']) {
      checkReply(stop, await exchange(pi, stop), undefined);
      expect(text(await exchange(pi, 'ERR?'))).toBe('10');
    }
  });
});
