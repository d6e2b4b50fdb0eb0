// The wafer map view end to end, in Chromium, against `benchctl serve --sim --world wafer`: open the small
// fixture wafer (six dies at site A, one without light) by path, run it, and watch the map fill live until
// every die shows measured; the dead die shows its bin, a click on a die shows its sites, and its link opens
// the die-site's plots in Results. A screenshot goes to /tmp/wafer-map.png.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBenchPage, startServedUi, type ServedUi } from './fixtures/served-ui.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SHOT = '/tmp/wafer-map.png';
const tid = (id: string) => `[data-testid="${id}"]`;
const DIES = ['C08R08', 'C09R08', 'C10R08', 'C08R09', 'C09R09', 'C10R09'];

let ui: ServedUi;
let page: Page;
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
});
