// A throwaway PostgreSQL cluster for tests: initdb into a temp folder, pg_ctl start on a loopback port,
// and removal of everything at stop. Debian's `postgresql` package provides the binaries (.ci/run installs
// it). PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PgCluster {
  /** postgresql://postgres@127.0.0.1:PORT/postgres, trust authentication on loopback only. */
  readonly url: string;
  readonly port: number;
  /** The folder holding data, socket and log; gone after stop(). */
  readonly dir: string;
  /** A URL to another database of this cluster (create it first with createDatabase). */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server (immediately, as a crash or a network cut would), keeping its data for restart(). */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops the server (immediately) and removes its folder; idempotent. */
  stop(): Promise<void>;
}

export class PostgresMissingError extends Error {
  constructor() {
    super("PostgreSQL's server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin: install Debian's 'postgresql' package ('apt-get install -y postgresql'); .ci/run does this");
    this.name = 'PostgresMissingError';
  }
}

export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    const newest = versions[0];
    if (newest !== undefined) return join(root, newest, 'bin');
  }
  throw new PostgresMissingError();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), 'benchctl-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, args: string[]): Promise<unknown> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(dir, uid, gid);
  }
  await chmod(dir, 0o700);
  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    const startServer = async (): Promise<void> => {
      await as('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start']);
      started = true;
    };
    await startServer();
    const halt = async (): Promise<void> => {
      if (!started) return;
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      started = false;
    };
    const restart = async (): Promise<void> => {
      if (!started) await startServer();
    };
    const urlFor = (database: string): string => `postgresql://postgres@127.0.0.1:${port}/${database}`;
    const createDatabase = async (name: string): Promise<string> => {
      await as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return urlFor(name);
    };
    return { url: urlFor('postgres'), port, dir, urlFor, createDatabase, halt, restart, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
