// `benchctl token` and the token file: add prints a token once and stores only its hash, list shows names
// and roles, revoke removes it; bad input is refused naming the option or the file's field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTokenArgs, runToken } from '../../../cli/token-command.ts';
import { CliUsageError } from '../../../cli/usage-error.ts';
import { defaultTokenFile, TokenStore } from '../../../service/access/token-store.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'i14-tokens-'));
  file = join(dir, 'cfg', 'tokens.json');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const a = parseTokenArgs([...args, '--tokens', file]);
  if (a === 'help') throw new Error('help');
  let out = '';
  await runToken(a, (t) => (out += t));
  return out;
}

describe('benchctl token', () => {
  it('adds, lists and revokes; the file keeps only hashes', async () => {
    const added = await run(['add', '--role', 'viewer', '--name', 'alice']);
    const token = /^(bct_[\w-]+)$/m.exec(added)?.[1] ?? '';
    expect(token).toMatch(/^bct_[0-9a-f]{16}_[\w-]{43}$/);
    await run(['add', '--role', 'operator', '--name', 'bob']);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token.slice(22));
    expect(await new TokenStore(file).verify(token)).toMatchObject({ name: 'alice', role: 'viewer' });
    expect(await new TokenStore(file).verify(`${token.slice(0, -2)}${token.endsWith('xx') ? 'yy' : 'xx'}`)).toBeNull();
    expect(await run(['list'])).toMatch(/name\s+role\s+created\n\s+alice\s+viewer\s+\d{4}-.*\n\s+bob\s+operator/);
    expect(JSON.parse(await run(['list', '--json']))).toEqual([expect.objectContaining({ name: 'alice', role: 'viewer' }), expect.objectContaining({ name: 'bob', role: 'operator' })]);
    expect(await run(['revoke', 'alice'])).toMatch(/revoked alice/);
    expect(await new TokenStore(file).verify(token)).toBeNull();
    await expect(run(['revoke', 'alice'])).rejects.toThrow(`no token named 'alice' in ${file}; expected one of: bob`);
    await expect(run(['add', '--role', 'viewer', '--name', 'bob'])).rejects.toThrow(/a token named 'bob' exists already/);
    await expect(run(['add', '--role', 'viewer', '--name', 'a b'])).rejects.toThrow(/token name 'a b': expected 1-64 letters/);
  });

  it('refuses bad arguments naming what was expected', () => {
    const cases: [string[], string][] = [
      [[], 'token: missing action; expected add, list or revoke'],
      [['grant'], "token: unknown action 'grant'; expected add, list or revoke"],
      [['add', '--name', 'x'], '--role: missing; expected viewer or operator'],
      [['add', '--role', 'admin', '--name', 'x'], "--role expects viewer or operator, got 'admin'"],
      [['add', '--role', 'viewer'], '--name: missing'],
      [['revoke'], 'token revoke expects one token name, got none'],
    ];
    for (const [args, message] of cases) {
      expect(() => parseTokenArgs(args)).toThrow(CliUsageError);
      expect(() => parseTokenArgs(args)).toThrow(message);
    }
  });

  it('names a broken token file and its field', () => {
    writeFileSync(join(dir, 'bad.json'), '{"version":1,"tokens":[{"name":"a","id":"1","salt":"s","hash":"h","created":"c","role":"admin"}]}');
    expect(() => new TokenStore(join(dir, 'bad.json')).list()).toThrow(`${join(dir, 'bad.json')}: tokens[0].role: 'admin'; expected viewer or operator`);
    writeFileSync(join(dir, 'bad2.json'), '{"version":1}');
    expect(() => new TokenStore(join(dir, 'bad2.json')).list()).toThrow('tokens: missing');
    writeFileSync(join(dir, 'bad3.json'), '{"tokens":[{"name":"a"}]}');
    expect(() => new TokenStore(join(dir, 'bad3.json')).list()).toThrow('tokens[0].id: missing');
  });

  it('keeps its file in the user config folder by default', () => {
    expect(defaultTokenFile({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/benchctl/tokens.json');
    expect(defaultTokenFile({})).toMatch(/\/\.config\/benchctl\/tokens\.json$/);
  });
});
