// The audit log in the index, on SQLite and PostgreSQL: each action appended to audit.jsonl (the truth) is
// sent through a durable cursor; while the index is down nothing waits and nothing is lost; a rebuild reads
// the whole file again without doubling a row; a damaged line is named by its number and skipped.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildAudit, searchAudit } from '../../../runindex/audit-index.ts';
import { AuditWriter } from '../../../runindex/audit-writer.ts';
import { IndexConnection } from '../../../runindex/index-connection.ts';
import { openIndex } from '../../../runindex/open-index.ts';
import { AuditLog, type AuditEntry } from '../../../service/access/audit-log.ts';
import { BACKENDS, suiteBackend } from './index-backends.ts';

const entry = (i: number, who = i % 2 === 0 ? 'ann' : 'vic'): AuditEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString(), who, role: who === 'ann' ? 'operator' : 'viewer', via: 'bridge 127.0.0.1',
  call: i % 3 === 0 ? 'makeSafe' : 'setLaser', arg: { output: i % 2 === 0 }, result: who === 'vic' && i % 3 !== 0 ? 'refused' : 'ok',
  ...(who === 'vic' && i % 3 !== 0 ? { error: { name: 'RoleRefusedError', message: `setLaser: ${who} is a viewer` } } : {}),
});

async function rowCount(target: Parameters<typeof openIndex>[0]): Promise<number> {
  const ix = await openIndex(target);
  try {
    return Number((await ix.db.selectFrom('audit').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  } finally {
    await ix.close();
  }
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('the audit log in the index on %s', (_name, make) => {
  const { backend, tempDir } = suiteBackend(make, 'benchctl-audit-');

  it('sends each action as it is appended, searchable by who, call, result and time, newest first', async () => {
    const dir = await tempDir();
    const target = await backend.fresh();
    const conn = new IndexConnection(target);
    const writer = new AuditWriter(conn, { auditFile: join(dir, 'runs', 'audit.jsonl'), cursorFile: join(dir, 'cursor.json') });
    const log = new AuditLog(join(dir, 'runs', 'audit.jsonl'), [{ write: () => Promise.resolve(writer.notify()) }]);
    try {
      for (let i = 0; i < 12; i++) await log.write(entry(i));
      await expect.poll(async () => (await searchAudit(await conn.db(), { limit: 1000 })).length, { timeout: 10_000 }).toBe(12);
      expect(await writer.flush()).toBe(true);
      const db = await conn.db();
      const all = await searchAudit(db, {});
      expect(all.map((a) => a.time)).toEqual([...all.map((a) => a.time)].sort().reverse());
      expect(all[0]).toMatchObject({ who: 'vic', role: 'viewer', call: 'setLaser', result: 'refused', arg: { output: false }, error: { name: 'RoleRefusedError' } });
      expect(all[0]!.source).toMatch(/:.*runs\/audit\.jsonl$/);
      expect((await searchAudit(db, { who: 'ann' })).map((a) => a.who)).toEqual(Array(6).fill('ann'));
      expect((await searchAudit(db, { call: 'makeSafe' })).length).toBe(4);
      expect((await searchAudit(db, { result: 'refused' })).length).toBe(4);
      expect((await searchAudit(db, { since: '2026-01-01T08:00:09.000Z' })).map((a) => a.time.slice(17, 19))).toEqual(['11', '10', '09']);
      expect((await searchAudit(db, { limit: 2 })).length).toBe(2);
      // The cursor says the whole file was sent.
      expect(JSON.parse(readFileSync(join(dir, 'cursor.json'), 'utf8'))).toEqual({ offset: readFileSync(join(dir, 'runs', 'audit.jsonl')).length, line: 13 });
    } finally {
      await writer.close();
      await conn.close();
    }
  });

  it('never holds up an action while the index is down, and catches up without a duplicate', async () => {
    const dir = await tempDir();
    const file = join(dir, 'runs', 'audit.jsonl');
    const cursorFile = join(dir, 'cursor.json');
    // SQLite "down": its folder is a file, so the index cannot be opened until it is removed.
    const blocked = join(dir, 'blocked');
    const target = backend.name === 'sqlite' ? { kind: 'sqlite' as const, file: join(blocked, 'index.sqlite') } : await backend.fresh();
    const cluster = backend.cluster();
    if (cluster) await cluster.halt();
    else writeFileSync(blocked, 'not a folder');
    const problems: string[] = [];
    const conn = new IndexConnection(target, { connectTimeout_ms: 1000 });
    const writer = new AuditWriter(conn, { auditFile: file, cursorFile, retryMin_ms: 50, retryMax_ms: 200, onProblem: (m) => problems.push(m) });
    const log = new AuditLog(file, [{ write: () => Promise.resolve(writer.notify()) }]);
    try {
      const t = performance.now();
      for (let i = 0; i < 5; i++) await log.write(entry(i));
      // Each write waited for the file, not for the index.
      expect(performance.now() - t).toBeLessThan(900);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);
      expect(await writer.flush()).toBe(false);
      expect(writer.offset).toBe(0);
      expect(problems.some((p) => /unreachable .*stay in .*audit\.jsonl/.test(p))).toBe(true);
      if (cluster) await cluster.restart();
      else rmSync(blocked);
      for (let i = 5; i < 8; i++) await log.write(entry(i));
      await expect.poll(() => writer.offset, { timeout: 15_000, interval: 100 }).toBe(readFileSync(file).length);
      expect(await rowCount(target)).toBe(8);
      // A crash between a send and the cursor's save: sent again from the start, still one row each.
      writeFileSync(cursorFile, JSON.stringify({ offset: 0, line: 1 }));
      const again = new AuditWriter(conn, { auditFile: file, cursorFile });
      expect(await again.flush()).toBe(true);
      await again.close();
      expect(await rowCount(target)).toBe(8);
    } finally {
      await writer.close();
      await conn.close();
    }
  }, 60_000);

  it('is rebuilt from audit.jsonl idempotently; lines without an id and damaged lines are handled', async () => {
    const dir = await tempDir();
    const file = join(dir, 'audit.jsonl');
    const log = new AuditLog(file);
    for (let i = 0; i < 4; i++) await log.write(entry(i));
    // An entry written before entries had ids, a damaged line, one missing a field, and a blank line.
    appendFileSync(file, `${JSON.stringify(entry(4))}\n{"time": "2026-01-01T08:00:05Z", "who": \n${JSON.stringify({ ...entry(6), call: undefined })}\n\n`);
    const target = await backend.fresh();
    const ix = await openIndex(target);
    try {
      const first = await rebuildAudit(ix.db, file);
      expect(first).toMatchObject({ entries: 5, added: 5 });
      expect(first.problems).toEqual([
        { line: 6, error: 'not a JSON object; expected one audit entry per line' },
        { line: 7, error: 'call: missing; expected text' },
      ]);
      expect(await rebuildAudit(ix.db, file)).toMatchObject({ entries: 5, added: 0 });
      expect((await searchAudit(ix.db, {})).length).toBe(5);
      expect(await rebuildAudit(ix.db, join(dir, 'nowhere.jsonl'))).toEqual({ entries: 0, added: 0, problems: [] });
      // A cursor that is not one is refused naming the file and what was expected.
      writeFileSync(join(dir, 'bad-cursor.json'), '{"offset": -1}');
      expect(() => new AuditWriter(new IndexConnection(target), { auditFile: file, cursorFile: join(dir, 'bad-cursor.json') }))
        .toThrow(/audit index cursor .*bad-cursor\.json: expected \{"offset": <bytes>, "line": <line>\}/);
    } finally {
      await ix.close();
    }
  });
}, 120_000);
