// The request schemas of the BenchApi: one per channel, strict objects, finite numbers, and the error text
// a refused payload gets (channel and field named); dispatchCall wraps it all in an envelope.
import { describe, expect, it, vi } from 'vitest';
import { BENCH_CHANNELS, BENCH_EVENTS } from '../../../service/bench-api.ts';
import { checkChannel, parseRequest, requestSchemas } from '../../../service/bench-schemas.ts';
import { dispatchCall } from '../../../service/dispatch.ts';
import { ApiPayloadError } from '../../../service/errors.ts';

describe('request schemas', () => {
  it('cover exactly the channels of the map', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...BENCH_CHANNELS].sort());
    expect(new Set(BENCH_CHANNELS).size).toBe(BENCH_CHANNELS.length);
    expect(BENCH_EVENTS).toEqual(['run', 'runState', 'monitor', 'bench', 'stage', 'laser']);
  });

  it('take calls without an argument as undefined, null or {}', () => {
    for (const arg of [undefined, null, {}]) expect(parseRequest('benchStatus', arg)).toBeUndefined();
    expect(() => parseRequest('benchStatus', { x: 1 })).toThrow(/'benchStatus'.*Unrecognized key.*"x"/);
    expect(parseRequest('laserState', undefined)).toBeUndefined();
    expect(parseRequest('laserState', { role: 'laser2' })).toEqual({ role: 'laser2' });
  });

  it('refuse misspelt fields, wrong types and non-finite numbers, naming the field', () => {
    expect(() => parseRequest('setLaser', { wavelenght_nm: 1550 })).toThrow(/bad payload for 'setLaser'.*wavelenght_nm/);
    expect(() => parseRequest('setLaser', { power_dBm: Infinity })).toThrow(/power_dBm/);
    expect(() => parseRequest('setLaser', { power_dBm: NaN })).toThrow(/power_dBm/);
    expect(() => parseRequest('jogStage', { axis: 'X' })).toThrow(/delta_um/);
    expect(() => parseRequest('readMeter', { channels: [0] })).toThrow(/channels\.0/);
    expect(() => parseRequest('setMonitor', { interval_s: 0.001 })).toThrow(/interval_s/);
    expect(() => parseRequest('setBert', { pattern: 'PRBS9' })).toThrow(/pattern/);
    expect(() => parseRequest('setBert', { gate: { mode: 'bits', bits: 1.5 } })).toThrow(/gate\.bits/);
    expect(() => parseRequest('openBench', { kind: 'usb' })).toThrow(/kind/);
    expect(() => parseRequest('openBench', { kind: 'sim', seed: -1 })).toThrow(/seed/);
    expect(() => parseRequest('openBench', { kind: 'sim', world: 'moon' })).toThrow(/bad payload for 'openBench'.*world/);
    expect(() => parseRequest('openBench', { kind: 'file', path: 'b.yaml', world: 'wafer' })).toThrow(/world/);
    expect(parseRequest('openBench', { kind: 'sim', seed: 2, world: 'wafer' })).toEqual({ kind: 'sim', seed: 2, world: 'wafer' });
    expect(() => parseRequest('scpi', { role: 'laser', command: '  ' })).toThrow(/a command or query/);
    expect(() => parseRequest('scpi', { role: 'laser', command: '*RST\n*IDN?' })).toThrow(/one line/);
    expect(() => parseRequest('loadSequence', { kind: 'text', name: 'a.yaml' })).toThrow(/text/);
    expect(() => parseRequest('runEvents', { since: -1 })).toThrow(/since/);
    expect(parseRequest('setLaser', { role: 'laser', wavelength_nm: 1550.5, power_dBm: -3, output: true })).toEqual({ role: 'laser', wavelength_nm: 1550.5, power_dBm: -3, output: true });
  });

  it('refuse run ids and file names that could leave the runs folder', () => {
    for (const runId of ['..', '.', '../x', 'a/b', 'a\\b', '']) expect(() => parseRequest('openRun', { runId })).toThrow(ApiPayloadError);
    for (const file of ['../run.json', 'a/b.csv', 'run.json', 'x.csv/..']) expect(() => parseRequest('exportRunCsv', { runId: 'r', file })).toThrow(/file/);
    expect(parseRequest('exportRunCsv', { runId: '20260101-000000-seq-DUT', file: 'power.csv' })).toEqual({ runId: '20260101-000000-seq-DUT', file: 'power.csv' });
  });

  it('take resumeRun with no argument (the paused run) or a run id (an interrupted run), and abortRun with a reason', () => {
    for (const arg of [undefined, null, {}]) expect(parseRequest('resumeRun', arg)).toBeUndefined();
    expect(parseRequest('resumeRun', { runId: '20260101-000000-seq-DUT' })).toEqual({ runId: '20260101-000000-seq-DUT' });
    for (const runId of ['..', '../x', 'a/b', '']) expect(() => parseRequest('resumeRun', { runId })).toThrow(/'resumeRun'.*runId/);
    expect(() => parseRequest('resumeRun', { folder: '/runs/x' })).toThrow(/'resumeRun'/);
    for (const arg of [undefined, null]) expect(parseRequest('abortRun', arg)).toBeUndefined();
    expect(parseRequest('abortRun', { message: 'the DUT slipped' })).toEqual({ message: 'the DUT slipped' });
    expect(() => parseRequest('abortRun', { message: '' })).toThrow(/'abortRun'.*message/);
    expect(() => parseRequest('abortRun', { reason: 'x' })).toThrow(/'abortRun'.*reason/);
  });

  it('take loadSequence with a bench file to check against, and startRun without one', () => {
    expect(parseRequest('loadSequence', { kind: 'file', path: 'seq.yaml', benchFile: 'bench.yaml' })).toEqual({ kind: 'file', path: 'seq.yaml', benchFile: 'bench.yaml' });
    expect(parseRequest('loadSequence', { kind: 'library', name: 'align', set: { wl: '1550nm' }, benchFile: 'b.yaml' })).toMatchObject({ benchFile: 'b.yaml' });
    expect(() => parseRequest('loadSequence', { kind: 'file', path: 'seq.yaml', benchFile: '' })).toThrow(/benchFile/);
    expect(() => parseRequest('startRun', { kind: 'file', path: 'seq.yaml', benchFile: 'bench.yaml' })).toThrow(/'startRun'.*benchFile/);
  });

  it('name an unknown channel', () => {
    expect(() => checkChannel('deleteEverything')).toThrow(/unknown channel "deleteEverything"/);
    expect(() => checkChannel(42)).toThrow(ApiPayloadError);
    expect(() => checkChannel('toString')).toThrow(/unknown channel/);
  });
});

describe('dispatchCall', () => {
  it('calls the service with the parsed argument and wraps the reply', async () => {
    const api = { setLaser: vi.fn(async (r: unknown) => r), benchStatus: vi.fn(async () => undefined) };
    expect(await dispatchCall(api as never, 'setLaser', { output: true })).toEqual({ ok: true, value: { output: true } });
    expect(await dispatchCall(api as never, 'benchStatus', {})).toEqual({ ok: true, value: null });
    expect(api.benchStatus).toHaveBeenCalledWith(undefined);
  });

  it('never throws: payload errors, unknown channels and service errors become envelopes', async () => {
    const api = { setLaser: vi.fn(async () => { throw new RangeError('too red'); }) };
    expect(await dispatchCall(api as never, 'setLaser', { output: 1 })).toMatchObject({ ok: false, error: { name: 'ApiPayloadError' } });
    expect(await dispatchCall(api as never, 'nope', {})).toMatchObject({ ok: false, error: { name: 'ApiPayloadError' } });
    expect(await dispatchCall(api as never, 'setLaser', { output: true })).toEqual({ ok: false, error: { name: 'RangeError', message: 'too red' } });
  });
});
