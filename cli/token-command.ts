// `benchctl token add|list|revoke`: the named access tokens of `benchctl serve`. A token is printed once,
// at `add`; the file keeps only its scrypt hash. Revoking takes effect at once in a running serve, also on
// its open connections.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { isRole, ROLES } from '../service/access/roles.ts';
import { defaultTokenFile, TokenStore, TokenStoreError } from '../service/access/token-store.ts';
import type { CliCommand } from './command.ts';
import { table } from './text-table.ts';
import { CliUsageError } from './usage-error.ts';

const USAGE = `Usage: benchctl token add --role viewer|operator --name NAME [--tokens FILE]
       benchctl token list [--tokens FILE] [--json]
       benchctl token revoke NAME [--tokens FILE]

Named access tokens for 'benchctl serve': give one to each person who watches (viewer: plots, progress,
logs, history, make safe) or steers (operator: also start, pause, abort, manual control, console) a bench.
They log in at the server's /login page with it. 'add' prints the token once; only its hash is stored.
'revoke' refuses it at once, also on connections already open.

Options:
  --role ROLE      viewer or operator
  --name NAME      who it is for (1-64 letters, digits, . _ @ -)
  --tokens FILE    the token file (default ${defaultTokenFile()})
  --json           list as JSON
  -h, --help       this text`;

export type TokenAction =
  | { action: 'add'; role: 'viewer' | 'operator'; name: string; file: string }
  | { action: 'list'; file: string; json: boolean }
  | { action: 'revoke'; name: string; file: string };

export function parseTokenArgs(args: string[]): TokenAction | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args, strict: true, allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, tokens: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [action, ...rest] = parsed.positionals;
  const file = resolve(v.tokens ?? defaultTokenFile());
  switch (action) {
    case 'add':
      if (rest.length) throw new CliUsageError(`token add takes no positional arguments, got '${rest.join(' ')}' (use --name)`);
      if (v.role === undefined) throw new CliUsageError(`--role: missing; expected ${ROLES.join(' or ')}`);
      if (!isRole(v.role)) throw new CliUsageError(`--role expects ${ROLES.join(' or ')}, got '${v.role}'`);
      if (v.name === undefined) throw new CliUsageError('--name: missing; expected who the token is for, e.g. --name alice');
      return { action: 'add', role: v.role, name: v.name, file };
    case 'list':
      if (rest.length) throw new CliUsageError(`token list takes no arguments, got '${rest.join(' ')}'`);
      return { action: 'list', file, json: v.json ?? false };
    case 'revoke':
      if (rest.length !== 1) throw new CliUsageError(`token revoke expects one token name, got ${rest.length ? `'${rest.join(' ')}'` : 'none'}`);
      return { action: 'revoke', name: rest[0] as string, file };
    case undefined:
      throw new CliUsageError('token: missing action; expected add, list or revoke');
    default:
      throw new CliUsageError(`token: unknown action '${action}'; expected add, list or revoke`);
  }
}

export async function runToken(a: TokenAction, out: (t: string) => void): Promise<number> {
  const store = new TokenStore(a.file);
  switch (a.action) {
    case 'add': {
      const token = await store.add(a.name, a.role);
      out(`token for ${a.name} (${a.role}), shown this once; only its hash is kept in ${a.file}:\n${token}\n`);
      return 0;
    }
    case 'list': {
      const list = store.list();
      if (a.json) out(`${JSON.stringify(list)}\n`);
      else if (list.length === 0) out(`no tokens in ${a.file}\n`);
      else out(table([['name', 'role', 'created'], ...list.map((t) => [t.name, t.role, t.created])]));
      return 0;
    }
    case 'revoke':
      if (!store.revoke(a.name)) {
        const known = store.list().map((t) => t.name);
        throw new TokenStoreError(`no token named '${a.name}' in ${a.file}; expected one of: ${known.join(', ') || '(none)'}`);
      }
      out(`revoked ${a.name}: refused from now on, also on open connections\n`);
      return 0;
  }
}

export const tokenCommand: CliCommand = {
  summary: 'add, list and revoke the named access tokens (viewer, operator) of benchctl serve',
  usage: USAGE,
  async run(args) {
    const a = parseTokenArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return runToken(a, (t) => process.stdout.write(t));
  },
};
