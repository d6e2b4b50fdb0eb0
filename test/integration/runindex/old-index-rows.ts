// Rows as a benchctl of before the die-sites (migration 0005) wrote them: no die_sites table, no
// measurement die; for tests that fill an index made by the older migrations and then upgrade it.
import type { Kysely } from 'kysely';
import type { OpenedIndex } from '../../../runindex/open-index.ts';
import type { RunRows } from '../../../runindex/record-rows.ts';

export async function writeOldRows(ix: OpenedIndex, batch: readonly RunRows[]): Promise<void> {
  const db = ix.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const r of batch) {
    await db.insertInto('runs').values({ ...r.run }).execute();
    for (const { die: _die, ...m } of r.measurements) await db.insertInto('measurements').values(m).execute();
    for (const f of r.fits) await db.insertInto('fits').values({ ...f }).execute();
    for (const f of r.files) await db.insertInto('files').values({ ...f }).execute();
  }
}
