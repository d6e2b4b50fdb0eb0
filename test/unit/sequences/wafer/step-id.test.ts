// Wafer die-site step ids read back into die, site, pass and inner step: the first pass's and a reprobe's
// (`wafer[C07R03.A]/reprobe1/align` is the align of pass 2, not a step 'reprobe1'), inner loops and
// repeated ids kept whole, other steps and malformed ids refused; and every id a planned wafer loop with
// reprobe passes gives reads back to the die-site that planned it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dieSiteKey, dieSiteSegment, parseWaferStepId } from '../../../../sequences/wafer/step-id.ts';
import { plan } from '../fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'benchctl-step-id-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseWaferStepId', () => {
  it('reads the first pass and reprobe passes', () => {
    expect(parseWaferStepId('wafer[C07R03.A]/align', 'wafer')).toEqual({ die: 'C07R03', site: 'A', siteKey: 'C07R03.A', pass: 1, step: 'align' });
    expect(parseWaferStepId('wafer[C07R03.A]/reprobe1/align', 'wafer')).toEqual({ die: 'C07R03', site: 'A', siteKey: 'C07R03.A', pass: 2, step: 'align' });
    expect(parseWaferStepId('wafer[C07R03.A]/reprobe12/sweep', 'wafer')).toMatchObject({ pass: 13, step: 'sweep' });
  });

  it('keeps inner loops, repeated ids and names with - and _ whole, under a nested loop id', () => {
    expect(parseWaferStepId('wafer[C07R03.A]/pol[1]/measure', 'wafer')).toMatchObject({ pass: 1, step: 'pol[1]/measure' });
    expect(parseWaferStepId('wafer[C07R03.A]/reprobe2/pol#2[-3dBm]/log#2', 'wafer')).toMatchObject({ pass: 3, step: 'pol#2[-3dBm]/log#2' });
    expect(parseWaferStepId('sites[B]/wafer[die_7-x.site-2]/peak-search', 'sites[B]/wafer')).toEqual({ die: 'die_7-x', site: 'site-2', siteKey: 'die_7-x.site-2', pass: 1, step: 'peak-search' });
    // An inner step named like a pass is the first pass's step of that name.
    expect(parseWaferStepId('wafer[C07R03.A]/reprobe1', 'wafer')).toMatchObject({ pass: 1, step: 'reprobe1' });
  });

  it('refuses ids that are not die-site steps of that loop', () => {
    for (const id of ['set', 'wafer', 'wafer[C07R03.A]/', 'wafer[C07R03]/align', 'wafer[C07R03.A.B]/align', 'wafer[C07R03.A]/reprobe0/align',
      'wafer[C07R03.A]/reprobe1/', 'wafer[C07R03.A]align', 'wafer2[C07R03.A]/align', 'other[C07R03.A]/align', 'x/wafer[C07R03.A]/align']) {
      expect(parseWaferStepId(id, 'wafer'), id).toBeNull();
    }
  });

  it('writes the key and segment it reads', () => {
    expect(dieSiteKey('C07R03.A', 1)).toBe('C07R03.A');
    expect(dieSiteKey('C07R03.A', 3)).toBe('C07R03.A/reprobe2');
    expect(dieSiteSegment('C07R03.A', 1)).toBe('[C07R03.A]/');
    expect(dieSiteSegment('C07R03.A', 2)).toBe('[C07R03.A]/reprobe1/');
  });

  it('reads back every step id of a planned wafer loop with two reprobe passes to the die-site that planned it', () => {
    const map = join(dir, 'two.csv');
    writeFileSync(map, ['# wafer: two', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# site A: 0um, 0um', '# site B-2: 250um, 0um',
      'die,col,row,x_um,y_um,status', 'C00R00,0,0,,,reference', 'C01R00,1,0,,,test', ''].join('\n'));
    const p = plan(`metadata: { dut: W1 }\nsteps:\n  - log: start\n  - loop: { wafer: ${map}, order: rows, reprobe: { bins: [2], max: 2 } }\n    steps:\n`
      + '      - log: at $die\n      - loop: { channels: [1, 2] }\n        steps:\n          - log: ch $channel\n      - log: again\n');
    const loop = p.wafers?.[0];
    expect(loop?.loopId).toBe('wafer');
    const dieSites = loop?.dieSites ?? [];
    expect(dieSites).toHaveLength(4 * 3);
    for (const ds of dieSites) {
      expect(ds.stepIds.length).toBeGreaterThan(0);
      for (const id of ds.stepIds) {
        const r = parseWaferStepId(id, loop!.loopId);
        expect(r, id).toMatchObject({ die: ds.die.name, site: ds.site.name, siteKey: ds.siteKey, pass: ds.pass });
        expect(dieSiteKey(r!.siteKey, r!.pass)).toBe(ds.key);
      }
      expect(ds.stepIds.map((id) => parseWaferStepId(id, loop!.loopId)?.step)).toEqual(['goto', 'log', 'channels[1]/log', 'channels[2]/log', 'log#2']);
    }
    expect(parseWaferStepId(p.steps[0]!.stepId, loop!.loopId)).toBeNull();
  });
});
