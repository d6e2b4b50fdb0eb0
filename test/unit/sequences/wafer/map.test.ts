import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SequenceIssue } from '../../../../sequences/schema/errors.ts';
import { loadWaferMap, parseWaferMap } from '../../../../sequences/wafer/load-map.ts';
import { WaferMapError } from '../../../../sequences/wafer/map-types.ts';
import { checkMapOnStage } from '../../../../sequences/wafer/map-validate.ts';
import { visitOrder } from '../../../../sequences/wafer/order.ts';

const MAPS = join(import.meta.dirname, '../../../../sequences/library/maps');

function parse(file: string, text: string) {
  const issues: SequenceIssue[] = [];
  const map = parseWaferMap(file, text, issues);
  return { map, issues, messages: issues.map((i) => `${i.field}: ${i.message}`).join('\n') };
}

const CSV_HEAD = '# pitch: 1000um, 1000um\n# origin: 3000um, 3000um\n# site A: -375um, 0um\n# site B: 125um, 0um\ndie,col,row,x_um,y_um,status\n';

describe('wafer maps', () => {
  it('reads the library CSV map: 400 dies, the contract geometry, 4 reference dies, 4 sites', () => {
    const map = loadWaferMap(join(MAPS, 'wafer-a.csv'));
    expect(map.name).toBe('wafer-a');
    expect(map.dies).toHaveLength(400);
    const c07r03 = map.dies.find((d) => d.name === 'C07R03');
    expect(c07r03).toMatchObject({ col: 7, row: 3, x_um: 10_000, y_um: 6_000, excluded: false });
    expect(map.dies.filter((d) => d.reference).map((d) => d.name)).toHaveLength(4);
    expect(map.dies.find((d) => d.name === 'C00R00')?.excluded).toBe(true);
    expect(map.sites.map((s) => [s.name, s.dx_um])).toEqual([['A', -375], ['B', -125], ['C', 125], ['D', 375]]);
    expect(map.flat_deg).toBe(270);
    expect(map.centre_um).toEqual({ x: 12_500, y: 12_500 });
  });

  it('reads the library YAML grid map: the 10 × 10 corner block with the same geometry', () => {
    const map = loadWaferMap(join(MAPS, 'wafer-a-corner.yaml'));
    expect(map.dies).toHaveLength(100);
    expect(map.dies.filter((d) => d.excluded)).toHaveLength(0);
    expect(map.dies.find((d) => d.name === 'C14R14')).toMatchObject({ x_um: 17_000, y_um: 17_000, reference: true });
    expect(Math.min(...map.dies.map((d) => d.col))).toBe(5);
  });

  it('computes empty CSV positions from origin and pitch', () => {
    const { map, messages } = parse('m.csv', `${CSV_HEAD}C01R02,1,2,,,test\n`);
    expect(messages).toBe('');
    expect(map?.dies[0]).toMatchObject({ x_um: 4000, y_um: 5000 });
    expect(map?.sites.map((s) => s.name)).toEqual(['A', 'B']);
  });

  it('refuses overlapping dies, naming both', () => {
    const { map, messages } = parse('m.csv', `${CSV_HEAD}C00R00,0,0,3000,3000,test\nC01R00,1,0,3400,3000,test\n`);
    expect(map).toBeNull();
    expect(messages).toMatch(/die C01R00: dies C00R00 .* and C01R00 .* overlap/);
  });

  it('refuses duplicate names and cells, bad statuses, missing columns and missing pitch', () => {
    expect(parse('m.csv', `${CSV_HEAD}C00R00,0,0,,,test\nC00R00,1,0,,,test\n`).messages).toMatch(/die C00R00 is listed 2 times/);
    expect(parse('m.csv', `${CSV_HEAD}X,0,0,3000,3000,test\nY,0,0,9000,9000,test\n`).messages).toMatch(/X and Y are both at column 0, row 0/);
    expect(parse('m.csv', `${CSV_HEAD}C00R00,0,0,,,maybe\n`).messages).toMatch(/die C00R00: expected status test, excluded, reference, got 'maybe'/);
    expect(parse('m.csv', '# pitch: 1000um, 1000um\n# origin: 0um, 0um\ndie,col\nA,1\n').messages).toMatch(/missing columns row, status/);
    expect(parse('m.csv', '# origin: 0um, 0um\ndie,col,row,status\nA,1,1,test\n').messages).toMatch(/# pitch: missing/);
    expect(parse('m.csv', `${CSV_HEAD.replace('1000um, 1000um', '1000mV, 1')}A,1,1,,,test\n`).messages).toMatch(/# pitch/);
    expect(parse('m.csv', `# colour: red\n${CSV_HEAD}A,1,1,,,test\n`).messages).toMatch(/# colour: unknown map key/);
  });

  it('refuses YAML maps with unknown, excluded reference or misspelt dies', () => {
    const base = 'pitch: { x: 1000um, y: 1000um }\norigin: { x: 3000um, y: 3000um }\ngrid: { cols: 4, rows: 4 }\n';
    expect(parse('m.yaml', `${base}reference: [C09R09]\n`).messages).toMatch(/reference\[0\]: no die 'C09R09' in the grid/);
    expect(parse('m.yaml', `${base}excluded: [C01R01]\nreference: [C01R01]\n`).messages).toMatch(/C01R01 is both excluded and a reference die/);
    expect(parse('m.yaml', `${base}colour: red\n`).messages).toMatch(/unknown key 'colour'/);
    expect(parse('m.yaml', base.replace('1000um, y: 1000um', '-5um, y: 1000um')).map).toBeNull();
    expect(parse('m.yaml', `${base}excluded: [C00R00, C01R00, C02R00, C03R00, C00R01, C01R01, C02R01, C03R01, C00R02, C01R02, C02R02, C03R02, C00R03, C01R03, C02R03, C03R03]\n`).messages).toMatch(/every die is excluded/);
    expect(parse('m.txt', '').messages).toMatch(/unknown wafer map format '.txt'/);
  });

  it('a map file that does not exist is named', () => {
    expect(() => loadWaferMap('/nowhere/map.csv')).toThrow(WaferMapError);
    expect(() => loadWaferMap('/nowhere/map.csv')).toThrow(/no such wafer map/);
  });

  it('refuses an origin outside the stage limits and names a die whose site is outside the soft limits', () => {
    const map = loadWaferMap(join(MAPS, 'wafer-a-corner.yaml'));
    const issues: SequenceIssue[] = [];
    const where = { file: 's.yaml', line: 3, col: 1, field: 'loop.wafer' };
    checkMapOnStage(map, ['A', 'D'], { x: { min_um: 0, max_um: 17_200 }, y: { min_um: 0, max_um: 25_000 } }, issues, where);
    expect(issues.map((i) => i.message).join('\n')).toMatch(/die C14R05 site D at \(17375, 8000\) µm is outside the stage's soft limits/);
    expect(issues.some((i) => /site A/.test(i.message))).toBe(false);
    const far: SequenceIssue[] = [];
    checkMapOnStage({ ...map, origin_um: { x: -10, y: 3000 } }, [], { x: { min_um: 0, max_um: 25_000 } }, far, where);
    expect(far[0]?.message).toMatch(/origin \(-10, 3000\) µm .* is outside the stage's limits/);
  });

  it('visits reference dies first, then in the chosen order', () => {
    const map = loadWaferMap(join(MAPS, 'wafer-a-corner.yaml'));
    const names = (o: Parameters<typeof visitOrder>[1]) => visitOrder(map.dies, o).map((d) => d.name);
    const serp = names('serpentine');
    expect(serp.slice(0, 4)).toEqual(['C05R05', 'C14R05', 'C09R14', 'C14R14']);
    expect(serp.slice(4, 6)).toEqual(['C06R05', 'C07R05']);
    // Row 6 runs back from column 14.
    expect(serp[4 + 8]).toBe('C14R06');
    expect(serp).toHaveLength(100);
    expect(new Set(serp).size).toBe(100);
    expect(names('rows')[4 + 8]).toBe('C05R06');
    expect(names('columns').slice(4, 6)).toEqual(['C05R06', 'C05R07']);
    expect(names('column-serpentine')[4 + 9]).toBe('C06R14');
  });
});
