// The wafer map view end to end, in Chromium, against `benchctl serve --sim --world wafer`: open the small
// fixture wafer (six dies at site A, one without light) by path, run it, and watch the map fill live until
// every die shows measured; the dead die shows its bin, a click on a die shows its sites, and its link opens
// the die-site's plots in Results. Then the finished run, in a second serve that never ran it (its folder
// copied, caught up into that serve's index): History finds it by die and site, and opening it shows the
// same dies and bins on the Wafer tab, from run.json alone. Screenshots go to /tmp/wafer-map*.png.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeFixture } from './fixtures/serve.ts';
import { openBenchPage, startServedUi, type ServedUi } from './fixtures/served-ui.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SHOT = '/tmp/wafer-map.png';
const tid = (id: string) => `[data-testid="${id}"]`;
const DIES = ['C08R08', 'C09R08', 'C10R08', 'C08R09', 'C09R09', 'C10R09'];

let ui: ServedUi;
let page: Page;
let second: ServeFixture | undefined;
/** The live map's bins, die by die, and the run's id (from the Wafer view's header). */
let liveBins: string[] = [];
let liveRunId = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  ui = await startServedUi({
    prefix: 'v15r-wafer-e2e-',
    // The sequence and its map in the served folder: a path the UI names is resolved there.
    prepare: (dir) => {
      cpSync(join(FIXTURES, 'wafer-small.yaml'), join(dir, 'wafer-small.yaml'));
      cpSync(join(FIXTURES, 'maps'), join(dir, 'maps'), { recursive: true });
    },
    args: ['--sim', '--world', 'wafer', '--seed', '3'],
  });
  ({ page } = await openBenchPage(ui, pageErrors, { viewport: { width: 1400, height: 1000 } }));
}, 300_000);

afterAll(async () => {
  expect(await second?.stop()).toBe(0);
  expect(await ui?.close()).toBe(0);
}, 60_000);

describe('the wafer map view in Chromium', () => {
  it('runs a small wafer: the map fills live, the dead die shows its bin, a die\'s details link to its plots', async () => {
    await page.locator('[data-view="sequence"]').click();
    await page.locator(tid('sequence-path')).fill('wafer-small.yaml');
    await page.locator(tid('sequence-path')).press('Enter');
    await page.waitForSelector(tid('plan'));
    await page.locator(tid('run-start')).click();
    await page.waitForSelector(tid('view-results'));
    await page.locator('[data-view="wafer"]').click();
    await page.waitForSelector(tid('wafer-map'));
    const die = (name: string) => page.locator(`${tid('wafer-map')} [data-die="${name}"]`);
    // Every die of the map is drawn from 'wafer-map' before it is measured, then each turns measured.
    expect(await page.locator(`${tid('wafer-map')} ${tid('die')}`).count()).toBe(6);
    await expect.poll(async () => Promise.all(DIES.map((d) => die(d).getAttribute('data-state'))), { timeout: 60_000, interval: 100 })
      .toEqual(DIES.map(() => 'measured'));
    await expect.poll(() => page.locator(`${tid('view-wafer')} ${tid('wafer-progress')}`).textContent()).toBe('6 of 6 die-sites measured');
    // The die placed where no grating lies: bin 2, shown in its cell; the others good.
    expect(await die('C10R09').getAttribute('data-bin')).toBe('2');
    expect(await die('C10R09').locator(tid('die-bin')).textContent()).toBe('2');
    for (const d of DIES.filter((x) => x !== 'C10R09')) expect(await die(d).getAttribute('data-bin'), d).toBe('1');
    liveBins = await Promise.all(DIES.map(async (d) => (await die(d).getAttribute('data-bin')) ?? ''));
    liveRunId = ((await page.locator(tid('wafer-run')).textContent()) ?? '').replace(/^run /, '').trim();
    expect(await page.locator(`${tid('wafer-legend')} [data-legend-bin="2"]`).textContent()).toMatch(/2 no light \(1\)/);
    // Residual arrows of the predicted sites that found light: all but the first die (nothing to predict it
    // from) and the dark die.
    expect(await page.locator(`${tid('residual-arrows')} .arrow`).count()).toBe(4);
    expect(await page.locator(`${tid('residual-arrows')} [data-arrow="C08R08.A"]`).count()).toBe(0);
    expect(await page.locator(`${tid('residual-arrows')} [data-arrow="C10R09.A"]`).count()).toBe(0);
    expect(await page.locator(tid('arrow-legend')).textContent()).toMatch(/×\d+/);
    // A die's details: its site, bin and measurements.
    await die('C09R08').click();
    const details = page.locator(`${tid('die-details')}[data-die="C09R08"]`);
    await details.waitFor();
    expect(await details.locator(tid('die-bin-tag')).textContent()).toMatch(/bin 1 good/);
    expect(await details.locator(tid('die-site')).count()).toBe(1);
    expect(await details.textContent()).toMatch(/align\.power_dBm/);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.locator(tid('view-wafer')).screenshot({ path: SHOT });
    // Colour by a measurement: a ramp legend with the unit.
    await page.locator(tid('wafer-colour')).selectOption('sweep.peakLoss_dB');
    expect(await page.locator(tid('wafer-legend')).textContent()).toMatch(/sweep\.peakLoss_dB\s*[\d.]+.*[\d.]+ dB/);
    await page.locator(tid('view-wafer')).screenshot({ path: SHOT.replace('.png', '-loss.png') });
    // The dark die's details say why.
    await die('C10R09').click();
    expect(await page.locator(`${tid('die-details')}[data-die="C10R09"] ${tid('die-bin-tag')}`).textContent()).toMatch(/bin 2 no light/);
    // Its plots: Results shows that die-site's steps alone.
    await die('C09R08').click();
    await details.locator(tid('open-site-plots')).click();
    await page.waitForSelector(tid('view-results'));
    expect(await page.locator(tid('results-focus')).textContent()).toMatch(/C09R08 site A/);
    const shown = await page.locator(`${tid('view-results')} ${tid('step-results')}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(shown).toEqual(['wafer[C09R08.A]/align', 'wafer[C09R08.A]/sweep']);
    await page.locator(tid('results-unfocus')).click();
    expect(await page.locator(tid('results-focus')).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('the finished run, in a serve that never ran it: History finds it by die and site, and its Wafer tab shows the same dies and bins', async () => {
    expect(liveRunId).toMatch(/\S/);
    const folder = join(ui.dir, 'runs', liveRunId);
    const finished = () => existsSync(join(folder, 'run.json')) && (JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as { finished?: string }).finished !== undefined;
    await expect.poll(finished, { timeout: 30_000, interval: 100 }).toBe(true);
    cpSync(folder, join(ui.dir, 'runs2', liveRunId), { recursive: true });
    // The UI the first serve built; runs of its own, caught up into its own default index at start.
    second = await startServe(['--sim', '--world', 'wafer', '--port', '0', '--runs', join(ui.dir, 'runs2'), '--ui', join(ui.dir, 'ui'), '--no-build'], ui.dir);
    const p = await (await ui.browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    p.on('pageerror', (e) => pageErrors.push(`second pageerror: ${e.message}`));
    await p.goto(second.url);
    await p.waitForSelector(tid('view-bench'));
    await p.locator('[data-view="wafer"]').click();
    await p.waitForSelector(tid('wafer-empty'));
    await p.locator('[data-view="history"]').click();
    await p.locator(tid('filter-die')).fill('C10R09');
    await p.locator(tid('filter-site')).fill('A');
    const row = p.locator(`${tid('search-row')}[data-run="${liveRunId}"]`);
    const cell = row.locator(tid('cell-die-sites'));
    const dieSites = () => cell.locator('[data-die-site]').evaluateAll((els) => els.map((e) => e.getAttribute('data-die-site')));
    // The index catches the copied folder up at start: search until it is there. The row alone is not
    // enough: the view's own search on opening (no filters, so no die-sites column) may be what shows it.
    await expect.poll(async () => {
      await p.locator(tid('search-runs')).click();
      return dieSites();
    }, { timeout: 30_000, interval: 500 }).toEqual(['C10R09.A']);
    expect(await p.locator(tid('search-row')).count()).toBe(1);
    expect(await cell.textContent()).toMatch(/C10R09\.A bin 2/);
    await p.locator(`${tid('view-history')} .panel.runs`).screenshot({ path: SHOT.replace('.png', '-history-search.png') });
    // A die this wafer does not have: no run.
    await p.locator(tid('filter-die')).fill('C99R99');
    await p.locator(tid('search-runs')).click();
    await expect.poll(() => p.locator(tid('search-row')).count()).toBe(0);
    await p.locator(tid('filter-die')).fill('C10R09');
    await p.locator(tid('search-runs')).click();
    await row.locator(tid('open-run')).click();
    await p.waitForSelector(tid('run-record'));
    await p.locator('[data-view="wafer"]').click();
    await p.waitForSelector(tid('wafer-map'));
    expect(await p.locator(tid('wafer-run')).textContent()).toBe(`run ${liveRunId}`);
    const die = (name: string) => p.locator(`${tid('wafer-map')} [data-die="${name}"]`);
    expect(await Promise.all(DIES.map((d) => die(d).getAttribute('data-state')))).toEqual(DIES.map(() => 'measured'));
    expect(await Promise.all(DIES.map(async (d) => (await die(d).getAttribute('data-bin')) ?? ''))).toEqual(liveBins);
    expect(await p.locator(tid('wafer-progress')).textContent()).toBe('6 of 6 die-sites measured');
    expect(await p.locator(`${tid('residual-arrows')} .arrow`).count()).toBe(4);
    await die('C10R09').click();
    expect(await p.locator(`${tid('die-details')}[data-die="C10R09"] ${tid('die-bin-tag')}`).textContent()).toMatch(/bin 2 no light/);
    await p.locator(tid('view-wafer')).screenshot({ path: SHOT.replace('.png', '-history.png') });
    // Its plots are the reopened run's, in History.
    await die('C09R08').click();
    await p.locator(`${tid('die-details')}[data-die="C09R08"] ${tid('open-site-plots')}`).click();
    await p.waitForSelector(tid('view-history'));
    expect(await p.locator(`${tid('view-history')} ${tid('results-focus')}`).textContent()).toMatch(/C09R08 site A/);
    const shown = await p.locator(`${tid('view-history')} ${tid('step-results')}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(shown).toEqual(['wafer[C09R08.A]/align', 'wafer[C09R08.A]/sweep']);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
