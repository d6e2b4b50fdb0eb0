// The options of `benchctl serve` and `benchctl start` (cli/ parses argv; these are its parsers).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_PORT, parseServeArgs, type ServeOptions } from '../../../cli/serve-command.ts';
import { DEFAULT_UI_DIR } from '../../../service/web/renderer-build.ts';
import { defaultTokenFile } from '../../../service/access/token-store.ts';
import { parseStartArgs } from '../../../cli/start-command.ts';
import { CliUsageError } from '../../../cli/usage-error.ts';

describe('benchctl serve options', () => {
  it('defaults: no bench, the default port, ./runs, build when missing', () => {
    expect(parseServeArgs([])).toEqual({
      bench: null, port: DEFAULT_SERVE_PORT, runsDir: resolve('runs'), uiDir: DEFAULT_UI_DIR, build: 'auto',
      host: '127.0.0.1', tls: null, names: [], tokenFile: defaultTokenFile(), scripts: [], lab: null,
    });
  });

  it('reads the simulator, a bench file, the port and the build policy', () => {
    expect(parseServeArgs(['--sim', '--seed', '7', '--realtime', '--port', '0', '--build'])).toMatchObject({ bench: { kind: 'sim', seed: 7, realtime: true }, port: 0, build: 'always' });
    expect(parseServeArgs(['--sim', '--world', 'wafer'])).toMatchObject({ bench: { kind: 'sim', seed: 1, world: 'wafer' } });
    expect((parseServeArgs(['--sim', '--world', 'chip']) as ServeOptions).bench).not.toHaveProperty('world');
    expect(parseServeArgs(['--bench', 'b.yaml', '--no-build', '--runs', 'out'])).toMatchObject({ bench: { kind: 'file', path: resolve('b.yaml') }, build: 'never', runsDir: resolve('out') });
    expect(parseServeArgs(['--ui', 'out/ui', '--build'])).toMatchObject({ uiDir: resolve('out/ui'), build: 'always' });
    expect(parseServeArgs(['-h'])).toBe('help');
  });

  it('reads the address, TLS, names, the token file and script folders', () => {
    expect(parseServeArgs(['--host', '0.0.0.0', '--tls', 'self-signed', '--name', 'bench3.lab', '--name', 'b3', '--tokens', 't.json', '--scripts', 's1', '--scripts', 's2']))
      .toMatchObject({ host: '0.0.0.0', tls: { kind: 'self-signed' }, names: ['bench3.lab', 'b3'], tokenFile: resolve('t.json'), scripts: [resolve('s1'), resolve('s2')] });
    expect(parseServeArgs(['--host', '10.0.0.5', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toMatchObject({ tls: { kind: 'files', cert: resolve('c.pem'), key: resolve('k.pem') } });
    expect(parseServeArgs(['--host', '127.0.0.2'])).toMatchObject({ host: '127.0.0.2', tls: null });
    expect(parseServeArgs(['--lab', 'postgresql://lab@db/lab', '--lab-name', 'bench3'])).toMatchObject({ lab: { url: 'postgresql://lab@db/lab', bench: 'bench3' } });
  });

  it('refuses any address but loopback without TLS, saying why', () => {
    for (const host of ['0.0.0.0', '10.0.0.5', 'bench3.lab']) {
      expect(() => parseServeArgs(['--host', host])).toThrow(`--host ${host} without TLS is refused: beyond loopback the login code, the session cookie and every call and reading would cross the network in clear text`);
    }
  });

  it('refuses contradictions and bad values, saying what was expected', () => {
    const cases: [string[], RegExp][] = [
      [['--sim', '--bench', 'b.yaml'], /exclude each other/],
      [['--seed', '1'], /add --sim/],
      [['--sim', '--seed', 'x'], /--seed expects an integer/],
      [['--world', 'wafer'], /add --sim/],
      [['--sim', '--world', 'moon'], /--world expects chip or wafer, got 'moon'/],
      [['--port=-1'], /--port expects an integer 0-65535, got '-1'/],
      [['--port', '65536'], /--port expects an integer 0-65535/],
      [['--bench', ''], /--bench expects a bench file path/],
      [['--build', '--no-build'], /--build and --no-build/],
      [['--ui', ' '], /--ui expects the folder of a built UI/],
      [['--tls', 'yes'], /--tls expects 'self-signed', got 'yes'/],
      [['--tls', 'self-signed', '--tls-cert', 'c.pem'], /exclude each other/],
      [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
      [['--host', ''], /--host expects an address/],
      [['--lab', 'mysql://x'], /--lab expects a PostgreSQL URL \(postgresql:\/\/user@host:port\/db\), got 'mysql:\/\/x'/],
      [['--lab-name', 'b'], /--lab-name names this bench in the fleet view: add --lab URL/],
      [['--colour'], /Unknown option '--colour'/],
      [['extra'], /positional/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseServeArgs(args)).toThrow(CliUsageError);
      expect(() => parseServeArgs(args)).toThrow(message);
    }
  });
});

describe('benchctl start options', () => {
  it('opens the simulator when no bench is given, and takes --browser', () => {
    expect(parseStartArgs([])).toMatchObject({ bench: { kind: 'sim', seed: 1, realtime: false }, browser: false });
    expect(parseStartArgs(['--bench', 'b.yaml', '--browser'])).toMatchObject({ bench: { kind: 'file', path: resolve('b.yaml') }, browser: true });
    expect(() => parseStartArgs(['--browsr'])).toThrow(/Unknown option '--browsr'/);
  });
});
