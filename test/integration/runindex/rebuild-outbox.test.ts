// Folders stay the truth: a rebuild from them (idempotent, resumable, a damaged run.json named and
// skipped), and the writer's outbox, which keeps what is owed while the server is down and catches up.
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexConnection } from '../../../runindex/index-connection.ts';
import { IndexWriter } from '../../../runindex/index-writer.ts';
import { openIndex } from '../../../runindex/open-index.ts';
import { searchRuns } from '../../../runindex/query.ts';
import { rebuildIndex } from '../../../runindex/rebuild.ts';
import { syntheticRecord, writeSyntheticRuns } from '../../helpers/synthetic-runs.ts';
import { BACKENDS, suiteBackend } from './index-backends.ts';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('rebuild and outbox on %s', (_name, make) => {
  const { backend, tempDir } = suiteBackend(make, 'benchctl-rebuild-');

  it('rebuilds from the folders, reports a damaged run.json by name and skips it, and resumes without redoing', async () => {
    const runs = join(await tempDir(), 'runs');
    const ids = writeSyntheticRuns(runs, 0, 25);
    await mkdir(join(runs, 'broken-run'));
    writeFileSync(join(runs, 'broken-run', 'run.json'), '{"runId": "broken-run", "status": ');
    await mkdir(join(runs, 'foreign-run'));
    writeFileSync(join(runs, 'foreign-run', 'run.json'), '{"runId": "foreign-run", "status": "passed", "passed": true}');
    await mkdir(join(runs, 'not-a-run'));
    const ix = await openIndex(await backend.fresh());
    try {
      const first = await rebuildIndex(ix.db, runs, { batch: 7 });
      // A first rebuild refreshes the planner's statistics; one that changes little does not.
      expect(first).toMatchObject({ runs: 27, indexed: 25, unchanged: 0, analyzed: true });
      expect(first.rows).toBe(25 * (1 + 16 + 10 + 9));
      expect(first.problems.map((p) => p.runId).sort()).toEqual(['broken-run', 'foreign-run']);
      expect(first.problems.find((p) => p.runId === 'broken-run')!.error).toMatch(/broken-run\/run\.json: not valid JSON/);
      expect(first.problems.find((p) => p.runId === 'foreign-run')!.error).toMatch(/foreign-run\/run\.json: not a run record: sequence: missing/);
      expect((await searchRuns(ix.db, { limit: 1000 })).total).toBe(25);
      // Again: nothing changed, nothing written; one run rewritten: only it.
      expect(await rebuildIndex(ix.db, runs)).toMatchObject({ indexed: 0, unchanged: 25, analyzed: false });
      const rec = syntheticRecord(3);
      rec.metadata['lot'] = 'REWORKED';
      const file = join(runs, ids[3]!, 'run.json');
      writeFileSync(file, JSON.stringify(rec));
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(await rebuildIndex(ix.db, runs)).toMatchObject({ indexed: 1, unchanged: 24 });
      expect((await searchRuns(ix.db, { lot: 'REWORKED' })).runs.map((r) => r.runId)).toEqual([ids[3]]);
      expect((await searchRuns(ix.db, { limit: 1000 })).total).toBe(25);
      await expect(rebuildIndex(ix.db, join(runs, 'nowhere'))).rejects.toThrow(/no runs folder .*nowhere/);
    } finally {
      await ix.close();
    }
  });

  it('keeps what is owed in the outbox while the index is unreachable and catches up without duplicates', async () => {
    const dir = await tempDir();
    const runs = join(dir, 'runs');
    const target = await backend.fresh();
    const cluster = backend.cluster();
    const problems: string[] = [];
    const conn = new IndexConnection(target, { connectTimeout_ms: 1000 });
    const outboxFile = join(dir, 'runs.index-outbox.json');
    const writer = new IndexWriter(conn, { outboxFile, retryMin_ms: 50, retryMax_ms: 200, onProblem: (m) => problems.push(m) });
    try {
      const ids = writeSyntheticRuns(runs, 0, 3);
      for (const id of ids) writer.enqueue(join(runs, id));
      expect(await writer.flush()).toBe(true);
      if (cluster) {
        await cluster.halt();
        const more = writeSyntheticRuns(runs, 3, 6);
        for (const id of more) writer.enqueue(join(runs, id));
        writer.enqueue(join(runs, ids[0]!));
        expect(await writer.flush()).toBe(false);
        expect(writer.status()).toMatchObject({ pending: 4, lastError: expect.any(String) });
        // Durable: another process (a restarted service) reads the same debt.
        expect(JSON.parse(readFileSync(outboxFile, 'utf8')).owed).toHaveLength(4);
        expect(problems.some((p) => /unreachable/.test(p))).toBe(true);
        await cluster.restart();
        await expect.poll(() => writer.status().pending, { timeout: 15_000, interval: 100 }).toBe(0);
      }
      const check = await openIndex(target);
      try {
        const page = await searchRuns(check.db, { limit: 1000 });
        const expected = cluster ? 6 : 3;
        expect(page.total).toBe(expected);
        expect(new Set(page.runs.map((r) => r.runId)).size).toBe(expected);
        const m = Number((await check.db.selectFrom('measurements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        expect(m).toBe(expected * 16);
      } finally {
        await check.close();
      }
      // A damaged record is reported, dropped from the outbox, and never blocks the rest.
      await mkdir(join(runs, 'damaged'));
      writeFileSync(join(runs, 'damaged', 'run.json'), 'not json');
      writer.enqueue(join(runs, 'damaged'));
      expect(await writer.flush()).toBe(true);
      expect(problems.some((p) => /not indexed: .*damaged\/run\.json: not valid JSON/.test(p))).toBe(true);
      expect(existsSync(outboxFile)).toBe(true);
    } finally {
      await writer.close();
      await conn.close();
    }
  }, 60_000);

  it('a writer started later sends what an earlier one still owed', async () => {
    const dir = await tempDir();
    const runs = join(dir, 'runs');
    const ids = writeSyntheticRuns(runs, 0, 2);
    const outboxFile = join(dir, 'outbox.json');
    writeFileSync(outboxFile, JSON.stringify({ owed: ids.map((id) => join(runs, id)) }));
    const target = await backend.fresh();
    const conn = new IndexConnection(target);
    const writer = new IndexWriter(conn, { outboxFile });
    try {
      await expect.poll(() => writer.status().pending, { timeout: 10_000 }).toBe(0);
      expect((await searchRuns(await conn.db(), {})).total).toBe(2);
    } finally {
      await writer.close();
      await conn.close();
    }
    writeFileSync(outboxFile, '{"owed": 3}');
    expect(() => new IndexWriter(new IndexConnection(target), { outboxFile })).toThrow(/outbox .*outbox\.json: expected \{"owed": \[run folder, \.\.\.\]\}/);
  });
}, 120_000);
