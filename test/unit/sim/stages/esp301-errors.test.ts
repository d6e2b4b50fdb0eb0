import { describe, expect, it } from 'vitest';
import { Esp301Stage } from '../../../../sim/instruments/stage-esp301.ts';
import { ESP301_ERROR_BUFFER_SIZE, Esp301CommandError, esp301ErrorMessage } from '../../../../sim/instruments/esp301-errors.ts';
import { fastMotion, send } from './helpers.ts';

function setup() {
  const { clock, motion } = fastMotion();
  return { clock, motion, esp: new Esp301Stage({ motion }) };
}

describe('ESP301 dialect: errors', () => {
  it('TB? with an empty buffer: 0, <timestamp>, NO ERROR DETECTED', async () => {
    const { esp } = setup();
    expect(await send(esp, 'TB?')).toMatch(/^0, \d+, NO ERROR DETECTED\r\n$/);
    expect(await send(esp, 'TE?')).toBe('0\r\n');
  });

  it.each([
    ['1XX5', 6, 'COMMAND DOES NOT EXIST'],
    ['1MD', 6, 'COMMAND DOES NOT EXIST'], // MD is query-only
    ['%%', 6, 'COMMAND DOES NOT EXIST'],
    ['PA5', 37, 'AXIS NUMBER MISSING'],
    ['4PA5', 9, 'AXIS NUMBER OUT OF RANGE'],
    ['0TP?', 9, 'AXIS NUMBER OUT OF RANGE'],
    ['1PA', 38, 'COMMAND PARAMETER MISSING'],
    ['1PAabc', 7, 'PARAMETER OUT OF RANGE'],
    ['1VA-1', 7, 'PARAMETER OUT OF RANGE'],
    ['1OR9', 7, 'PARAMETER OUT OF RANGE'],
    ['1VA50', 110, 'MAXIMUM VELOCITY EXCEEDED'],
    ['2AC5000', 211, 'MAXIMUM ACCELERATION EXCEEDED'],
    ['3AG201', 311, 'MAXIMUM ACCELERATION EXCEEDED'],
    ['1AG0', 7, 'PARAMETER OUT OF RANGE'],
    ['1AGfast', 7, 'PARAMETER OUT OF RANGE'],
    ['AG10', 37, 'AXIS NUMBER MISSING'],
    ['1AG', 38, 'COMMAND PARAMETER MISSING'],
    ['3SL11', 7, 'PARAMETER OUT OF RANGE'],
  ])('%s → %i %s in the buffer, and nothing answered', async (command, code, message) => {
    const { esp } = setup();
    expect(await send(esp, command)).toBeUndefined();
    expect(await send(esp, 'TB?')).toMatch(new RegExp(`^${code}, \\d+, ${message}\\r\\n$`));
    expect(await send(esp, 'TE?')).toBe('0\r\n');
  });

  it('a move beyond the travel is refused with the axis software-limit code, and the axis does not move', async () => {
    const { esp, motion, clock } = setup();
    await send(esp, '1PA25.001');
    await send(esp, '3PA-0.5');
    await clock.advance(1);
    expect(motion.isMoving('X')).toBe(false);
    expect(motion.target_um('X')).toBe(0);
    expect(motion.target_um('Z')).toBe(10_000);
    expect(await send(esp, 'TB?')).toMatch(/^106, \d+, POSITIVE SOFTWARE LIMIT DETECTED\r\n$/);
    expect(await send(esp, 'TE?')).toBe('307\r\n');
  });

  it('a relative move past the travel is refused too', async () => {
    const { esp, motion } = setup();
    await send(esp, '2PR-0.001');
    expect(motion.target_um('Y')).toBe(0);
    expect(await send(esp, 'TE?')).toBe('207\r\n');
  });

  it('errors are read oldest first, with the bench time (ms) they happened', async () => {
    const { esp, clock } = setup();
    await send(esp, '1XX');
    await clock.advance(2);
    await send(esp, 'PA1');
    const first = await send(esp, 'TB?');
    const second = await send(esp, 'TB?');
    expect(first).toMatch(/^6, 1, /);
    expect(second).toMatch(/^37, 2002, /);
  });

  it('a bad command on a line does not stop the others', async () => {
    const { esp, motion } = setup();
    expect(await send(esp, '1PA1;9PA1;2PA2;1TP')).toMatch(/^\d+\.\d{6}\r\n$/);
    expect(motion.target_um('Y')).toBe(2000);
    expect(await send(esp, 'TE?;TE?')).toBe('9\r\n0\r\n');
  });

  it('the buffer keeps the ten oldest errors', async () => {
    const { esp } = setup();
    for (let i = 0; i < ESP301_ERROR_BUFFER_SIZE + 5; i++) await send(esp, i === 0 ? 'PA1' : '1XX');
    expect(esp.queuedErrorCodes()).toHaveLength(ESP301_ERROR_BUFFER_SIZE);
    expect(esp.queuedErrorCodes()[0]).toBe(37);
  });

  it('pushError queues a code as the controller would (fault injection)', async () => {
    const { esp } = setup();
    esp.pushError(103);
    expect(await send(esp, 'TB?')).toMatch(/^103, \d+, FOLLOWING ERROR THRESHOLD EXCEEDED\r\n$/);
  });

  it('names codes it does not know, and its command error says which command', () => {
    expect(esp301ErrorMessage(99)).toBe('UNKNOWN ERROR 99');
    expect(new Esp301CommandError(6, '1XX').message).toBe("ESP301 error 6 (COMMAND DOES NOT EXIST) on command '1XX'");
  });
});
