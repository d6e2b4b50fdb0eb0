import { describe, expect, it } from 'vitest';
import { ESP301_FRAMING, Esp301Stage } from '../../../../sim/instruments/stage-esp301.ts';
import { fastMotion, send } from './helpers.ts';

function setup() {
  const { clock, motion } = fastMotion();
  return { clock, motion, esp: new Esp301Stage({ motion }) };
}

describe('ESP301 dialect: commands and replies', () => {
  it('frames input with CR and replies with CR LF', () => {
    expect(ESP301_FRAMING).toEqual({ inputTerminator: '\r', outputTerminator: '\r\n' });
  });

  it('VE? answers the firmware identity', async () => {
    const { esp } = setup();
    expect(await send(esp, 'VE?')).toMatch(/^ESP301 Version 3\.\d[^\r\n]*\r\n$/);
    expect(esp.identity).toMatch(/^ESP301 Version 3\./);
  });

  it('nPA moves in mm and is silent; nTP / nTP? report the encoder position in mm', async () => {
    const { esp, motion } = setup();
    expect(await send(esp, '1PA5.0')).toBeUndefined();
    expect(motion.target_um('X')).toBe(5000);
    await send(esp, '1MD?');
    const tp = await send(esp, '1TP?');
    expect(tp).toMatch(/^\d+\.\d{6}\r\n$/);
    expect(Number(tp)).toBeCloseTo(5, 4);
    expect(Number(await send(esp, '1TP'))).toBeCloseTo(5, 4);
  });

  it('nPR moves relative to the target; nPA? / nDP? report the target', async () => {
    const { esp } = setup();
    await send(esp, '2PA1.5');
    await send(esp, '2PR-0.25');
    expect(await send(esp, '2DP?')).toBe('1.250000\r\n');
    expect(await send(esp, '2PA?')).toBe('1.250000\r\n');
  });

  it('nMD? is 0 while moving and 1 when done (lower case and spaces accepted)', async () => {
    const { esp, motion } = setup();
    await send(esp, '1pa 10');
    expect(motion.isMoving('X')).toBe(true);
    expect(await send(esp, ' 1md? ')).toBe('1\r\n'); // fast mode: the poll waits the move out
    expect(motion.isMoving('X')).toBe(false);
  });

  it('several commands per line, one reply line per query', async () => {
    const { esp } = setup();
    expect(await send(esp, '1PA1;2PA2;3PA3')).toBeUndefined();
    const reply = await send(esp, '1MD?;2MD?;3MD?;1TP?;2TP?;3TP?');
    const lines = reply?.split('\r\n') ?? [];
    expect(lines).toHaveLength(7);
    expect(lines.slice(0, 3)).toEqual(['1', '1', '1']);
    expect(lines.slice(3, 6).map(Number).map((v) => Math.round(v * 100) / 100)).toEqual([1, 2, 3]);
    expect(lines[6]).toBe('');
  });

  it('tolerates the LF a CR LF-sending client leaves in front of the next line', async () => {
    const { esp } = setup();
    await send(esp, '1PA2');
    // The stray LF must not turn the query into garbage: it is answered, with where axis 1 is on its way to 2 mm.
    const tp = Number(await send(esp, '\n1TP?'));
    expect(tp).toBeGreaterThan(0);
    expect(tp).toBeLessThanOrEqual(2.0001);
    expect(await send(esp, 'TE?')).toBe('0\r\n');
  });

  it('nVA sets the velocity in mm/s (and moves take that long); nVA? / nVU? report it', async () => {
    const { esp, clock } = setup();
    await send(esp, '1VA0.5');
    expect(await send(esp, '1VA?')).toBe('0.500000\r\n');
    expect(await send(esp, '1VU?')).toBe('10.000000\r\n');
    const t0 = clock.now_s();
    await send(esp, '1PA1');
    await send(esp, '1MD?');
    // 1 mm at 0.5 mm/s, 20 mm/s²: 2 s + 0.025 s of ramps + 10 ms settle, after the 1 ms exchange that
    // started it (the poll's own latency passes while the axis still moves).
    expect(clock.now_s() - t0).toBeCloseTo(0.001 + 2 + 0.025 + 0.01, 6);
  });

  it('nAC sets the acceleration in mm/s²', async () => {
    const { esp, motion } = setup();
    await send(esp, '3AC50');
    expect(motion.acceleration_um_s2('Z')).toBe(50_000);
    expect(await send(esp, '3AC?')).toBe('50.000000\r\n');
  });

  it('nAG sets the deceleration in mm/s², kept apart from nAC; it powers up equal to the acceleration', async () => {
    const { esp, motion } = setup();
    expect(await send(esp, '2AG?')).toBe('20.000000\r\n');
    await send(esp, '2AG75.5');
    expect(await send(esp, '2AG?')).toBe('75.500000\r\n');
    expect(await send(esp, '2AC?')).toBe('20.000000\r\n');
    expect(await send(esp, '1AG?')).toBe('20.000000\r\n');
    expect(motion.acceleration_um_s2('Y')).toBe(20_000);
    expect(await send(esp, 'TE?')).toBe('0\r\n');
  });

  it('nAC;nAG to one value, as the driver sends them, give a move the symmetric trapezoid of that ramp', async () => {
    const { esp, clock } = setup();
    await send(esp, '1VA10;1AC200;1AG200');
    const t0 = clock.now_s();
    await send(esp, '1PA1');
    await send(esp, '1MD?');
    // 1 mm at 10 mm/s with 200 mm/s² ramps: d/v + v/a = 0.15 s, + 10 ms settle, after the 1 ms exchange.
    expect(clock.now_s() - t0).toBeCloseTo(0.001 + 0.15 + 0.01, 6);
  });

  it('nOR homes the axis (X to 0, Z to the top) and takes bench time', async () => {
    const { esp, clock } = setup();
    await send(esp, '1PA2;1WS');
    const t0 = clock.now_s();
    await send(esp, '1OR1');
    expect(await send(esp, '1MD?')).toBe('1\r\n');
    expect(clock.now_s() - t0).toBeGreaterThan(2); // 2 mm at the homing velocity plus the switch search
    expect(Number(await send(esp, '1TP?'))).toBeCloseTo(0, 4);
    expect(await send(esp, '1OR?')).toBe('1\r\n');
  });

  it('nST stops one axis; ST stops all, where they are at that bench time', async () => {
    const { esp, clock, motion } = setup();
    await send(esp, '1PA20;2PA20');
    await clock.advance(1.05);
    await send(esp, '1ST');
    // Cruising at 2 mm/s: stopped 1 ms (the exchange) after 2.0 mm, then 0.1 mm of braking.
    expect(motion.target_um('X')).toBeCloseTo(2002 + 100, 1);
    expect(motion.target_um('Y')).toBe(20_000);
    await send(esp, 'ST');
    await send(esp, '2MD?');
    expect(Number(await send(esp, '2TP?'))).toBeLessThan(2.2);
  });

  it('nMF switches the motor off (moves refused), nMO back on; nMO? reports it', async () => {
    const { esp, motion } = setup();
    expect(await send(esp, '1MO?')).toBe('1\r\n');
    await send(esp, '1MF');
    expect(await send(esp, '1MO?')).toBe('0\r\n');
    await send(esp, '1PA1');
    expect(motion.target_um('X')).toBe(0);
    expect(await send(esp, 'TE?')).toBe('113\r\n');
    await send(esp, '1MO;1PA1');
    expect(motion.target_um('X')).toBe(1000);
  });

  it('nSL / nSR set software limits inside the travel; nSL? / nSR? report them', async () => {
    const { esp } = setup();
    expect(await send(esp, '3SL?;3SR?')).toBe('0.000000\r\n10.000000\r\n');
    await send(esp, '3SL5.01');
    expect(await send(esp, '3SL?')).toBe('5.010000\r\n');
    await send(esp, '3PA5');
    expect(await send(esp, 'TE?')).toBe('307\r\n');
  });

  it('nWS holds the queue until the axis stops, then the given ms', async () => {
    const { esp, clock, motion } = setup();
    await send(esp, '1PA1;1WS100');
    expect(motion.isMoving('X')).toBe(false);
    const done = clock.now_s();
    expect(done).toBeGreaterThan(0.6 + 0.1); // 1 mm at 2 mm/s (+ ramps) then 100 ms
  });

  it('nID? and nSN? describe the stage and its units', async () => {
    const { esp } = setup();
    expect(await send(esp, '2ID?')).toMatch(/^MFA-CC, \S+\r\n$/);
    expect(await send(esp, '2SN?')).toBe('2\r\n');
  });
});

describe('ESP301 per-axis units (nSN)', () => {
  it('powers up in mm (2); nSN3 puts the axis in µm for positions, speeds and limits; other codes are refused', async () => {
    const { motion } = fastMotion();
    const esp = new Esp301Stage({ motion });
    expect(await send(esp, '1SN?')).toBe('2\r\n');
    expect(await send(esp, '2SN3')).toBeUndefined();
    expect(await send(esp, '2SN?')).toBe('3\r\n');
    expect(await send(esp, '1SN?')).toBe('2\r\n');
    await send(esp, '2VA500;2PA1500;1PA1.5');
    expect(motion.target_um('Y')).toBe(1500);
    expect(motion.target_um('X')).toBe(1500);
    expect(motion.velocity_um_s('Y')).toBe(500);
    expect(await send(esp, '2DP?')).toBe('1500.000000\r\n');
    expect(await send(esp, '2VA?')).toBe('500.000000\r\n');
    expect(await send(esp, '2SN7')).toBeUndefined();
    expect(await send(esp, 'TE?')).toBe('7\r\n');
    expect(await send(esp, '2SN?')).toBe('3\r\n');
  });
});
