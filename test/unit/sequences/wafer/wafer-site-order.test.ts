// A die's sites in a wafer loop are visited nearest first from the site before: on a serpentine's reverse rows
// the listed order A, B would cross each die twice (the stage's travel is bench time that measures nothing).
// The first die keeps the listed order; every die-site is still planned once per pass.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan } from '../fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'benchctl-site-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keys(order: string, sites = '[A, B]'): string[] {
  const map = join(dir, `grid-${order}.csv`);
  writeFileSync(map, ['# wafer: grid', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# site A: -375um, 0um', '# site B: -125um, 0um',
    'die,col,row,x_um,y_um,status', 'C00R00,0,0,,,test', 'C01R00,1,0,,,test', 'C02R00,2,0,,,test', 'C00R01,0,1,,,test', 'C01R01,1,1,,,test', 'C02R01,2,1,,,test', ''].join('\n'));
  const p = plan(`metadata: { dut: W1 }\nsteps:\n  - loop: { wafer: ${map}, sites: ${sites}, order: ${order} }\n    steps:\n      - log: at $die $site\n`);
  return (p.wafers?.[0]?.dieSites ?? []).map((d) => d.key);
}

describe('site order within a die', () => {
  it('on a serpentine, runs the reverse row B then A, so the stage never crosses a die twice', () => {
    expect(keys('serpentine')).toEqual([
      'C00R00.A', 'C00R00.B', 'C01R00.A', 'C01R00.B', 'C02R00.A', 'C02R00.B',
      // Row 1 runs −X: from C02R00.B the nearest is C02R01.B.
      'C02R01.B', 'C02R01.A', 'C01R01.B', 'C01R01.A', 'C00R01.B', 'C00R01.A',
    ]);
  });

  it('by rows (+X each) runs A then B, except at a row\'s first die reached from the row before\'s far end; the first die keeps the listed order', () => {
    expect(keys('rows')).toEqual([
      'C00R00.A', 'C00R00.B', 'C01R00.A', 'C01R00.B', 'C02R00.A', 'C02R00.B',
      'C00R01.B', 'C00R01.A', 'C01R01.A', 'C01R01.B', 'C02R01.A', 'C02R01.B',
    ]);
    expect(keys('rows', '[B, A]').slice(0, 2)).toEqual(['C00R00.B', 'C00R00.A']);
  });
});
