// Named access tokens for `benchctl serve`, in a JSON file: only each token's scrypt hash (with its own
// salt) is stored, so the file does not let anyone in. A token reads `bct_<id>_<secret>`: the id finds
// its record without hashing every entry. The serving process re-reads the file when it changes, so a
// token revoked by `benchctl token revoke` in another shell is refused at once.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isRole, type Role } from './roles.ts';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface TokenRecord {
  name: string;
  role: Role;
  id: string;
  salt: string;
  hash: string;
  created: string;
}

export interface TokenInfo {
  name: string;
  role: Role;
  created: string;
}

export class TokenStoreError extends Error {
  override name = 'TokenStoreError';
}

/** `$XDG_CONFIG_HOME/benchctl/tokens.json`, else `~/.config/benchctl/tokens.json`. */
export function defaultTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'benchctl', 'tokens.json');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const TOKEN = /^bct_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export class TokenStore {
  readonly file: string;
  private records: TokenRecord[] = [];
  private stamp = '';
  /** Tokens already verified, by their SHA-256: scrypt is slow by design, and a client reconnects often. */
  private readonly verified = new Map<string, { name: string; role: Role; id: string }>();

  constructor(file: string) {
    this.file = file;
  }

  /** The records as the file holds them now (re-read when it changed). */
  private current(): TokenRecord[] {
    let stamp: string;
    try {
      const st = statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.records = [];
      this.stamp = 'missing';
      return this.records;
    }
    if (stamp !== this.stamp) {
      this.records = parseFile(this.file, readFileSync(this.file, 'utf8'));
      this.stamp = stamp;
    }
    return this.records;
  }

  list(): TokenInfo[] {
    return this.current().map(({ name, role, created }) => ({ name, role, created }));
  }

  /** Creates a token; returns it (shown once, never stored). */
  async add(name: string, role: Role, now = new Date()): Promise<string> {
    if (!NAME.test(name)) throw new TokenStoreError(`token name '${name}': expected 1-64 letters, digits, . _ @ - (starting with a letter or digit)`);
    if (!isRole(role)) throw new TokenStoreError(`role '${String(role)}': expected viewer or operator`);
    const records = this.current();
    if (records.some((r) => r.name === name)) throw new TokenStoreError(`a token named '${name}' exists already; revoke it first (benchctl token revoke ${name})`);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const hash = await scrypt(secret, salt, 32);
    this.write([...records, { name, role, id, salt: salt.toString('base64'), hash: hash.toString('base64'), created: now.toISOString() }]);
    return `bct_${id}_${secret}`;
  }

  /** Removes a token; false when there is none by that name. */
  revoke(name: string): boolean {
    const records = this.current();
    const kept = records.filter((r) => r.name !== name);
    if (kept.length === records.length) return false;
    this.write(kept);
    return true;
  }

  /** The token's name and role, or null for anything that is not a live token. */
  async verify(token: string | null | undefined): Promise<{ name: string; role: Role; id: string } | null> {
    const m = typeof token === 'string' ? TOKEN.exec(token) : null;
    if (!m) return null;
    const rec = this.current().find((r) => r.id === m[1]);
    const key = createHash('sha256').update(token as string).digest('hex');
    if (!rec) {
      this.verified.delete(key);
      return null;
    }
    const known = this.verified.get(key);
    if (known && known.id === rec.id) return { ...known, role: rec.role };
    const hash = await scrypt(m[2] as string, Buffer.from(rec.salt, 'base64'), 32);
    const want = Buffer.from(rec.hash, 'base64');
    if (want.length !== hash.length || !timingSafeEqual(want, hash)) return null;
    const who = { name: rec.name, role: rec.role, id: rec.id };
    this.verified.set(key, who);
    return who;
  }

  /** Whether the token with this id is still in the file (not revoked). */
  isLive(id: string): boolean {
    return this.current().some((r) => r.id === id);
  }

  private write(records: TokenRecord[]): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    // Written aside, then renamed: a reader never sees half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, tokens: records }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.stamp = '';
  }
}

function parseFile(file: string, text: string): TokenRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TokenStoreError(`${file}: not JSON (${(err as Error).message}); expected the token file benchctl token writes`);
  }
  const tokens = (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new TokenStoreError(`${file}: tokens: missing; expected { "version": 1, "tokens": [...] }`);
  return tokens.map((t: unknown, i) => {
    const r = t as Partial<TokenRecord> | null;
    for (const k of ['name', 'id', 'salt', 'hash', 'created'] as const) {
      if (typeof r?.[k] !== 'string') throw new TokenStoreError(`${file}: tokens[${i}].${k}: ${r?.[k] === undefined ? 'missing' : 'expected a string'}`);
    }
    if (!isRole(r?.role)) throw new TokenStoreError(`${file}: tokens[${i}].role: ${r?.role === undefined ? 'missing' : `'${String(r.role)}'`}; expected viewer or operator`);
    return r as TokenRecord;
  });
}
