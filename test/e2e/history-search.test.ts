// The History search end to end, in Chromium against `benchctl serve`: run folders recorded earlier are
// caught up into the default index at start; the view pages through them, filters by lot and by a
// measurement condition (checked against the records themselves), shows a chosen measurement as a
// column, a trend with its limits and the yield per lot, overlays two runs, offers Resume for an
// interrupted run, and shows a bad condition's error. A screenshot goes to test-output/e2e/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticRecord, writeSyntheticRuns } from '../helpers/synthetic-runs.ts';
import { startServedUi, watchErrors, type ServedUi } from './fixtures/served-ui.ts';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'e2e');
const RUNS = 60;
const tid = (id: string) => `[data-testid="${id}"]`;

let ui: ServedUi;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ui = await startServedUi({
    prefix: 'benchctl-e2e-history-',
    prepare: (dir) => {
      const runs = join(dir, 'runs');
      const ids = writeSyntheticRuns(runs, 0, RUNS, { lots: 3 });
      // Two runs with a spectrum each, for the overlay; one interrupted run, for Resume.
      for (const [k, id] of [ids[RUNS - 1], ids[RUNS - 2]].entries()) {
        const rows = Array.from({ length: 21 }, (_, i) => `${1540 + i},${(-10 - k - Math.abs(i - 10) * 0.3).toFixed(2)}`);
        writeFileSync(join(runs, id as string, 'spectrum.csv'), `# run: ${id}\nwavelength_nm,loss_dB\n${rows.join('\n')}\n`);
      }
      const rec = syntheticRecord(RUNS - 3, { lots: 3 });
      writeFileSync(join(runs, rec.runId, 'run.json'), JSON.stringify({ ...rec, status: 'aborted', passed: null, message: 'interrupted by SIGTERM' }));
    },
  });
  page = await ui.browser.newPage({ viewport: { width: 1400, height: 1100 } });
  watchErrors(page, pageErrors, { console: false });
  await page.goto(ui.serve.url.replace(/\/\?/, '/?') + '#/history');
  await page.locator('[data-view="history"]').click();
}, 300_000);

afterAll(async () => {
  expect(await ui?.close()).toBe(0);
}, 60_000);

const pageInfo = () => page.locator(tid('page-info')).textContent();
const duts = async () => page.locator(`${tid('search-row')} ${tid('cell-dut')}`).allTextContents();

describe('the History search in Chromium', () => {
  it('pages through every run recorded before, newest first', async () => {
    await expect.poll(pageInfo, { timeout: 30_000 }).toBe(`1–25 of ${RUNS}`);
    expect((await duts())[0]).toBe(`CHIP-0000${RUNS - 1}`);
    await page.locator(tid('page-next')).click();
    await expect.poll(pageInfo).toBe(`26–50 of ${RUNS}`);
    await page.locator(tid('page-next')).click();
    await expect.poll(pageInfo).toBe(`51–60 of ${RUNS}`);
    expect(await page.locator(tid('page-next')).isDisabled()).toBe(true);
  }, 60_000);

  it('filters by lot and a measurement condition, exactly the runs the records say', async () => {
    await page.locator(tid('filter-lot')).fill('L001');
    await page.locator(tid('filter-where')).fill('power_dBm > -16');
    await page.locator(tid('search-runs')).click();
    const expected = Array.from({ length: RUNS }, (_, i) => syntheticRecord(i, { lots: 3 }))
      .filter((r) => r.metadata['lot'] === 'L001' && r.steps.some((s) => (s.measurements['power_dBm']?.value ?? -99) > -16))
      .map((r) => r.metadata['dut'] as string).reverse();
    expect(expected.length).toBeGreaterThan(0);
    await expect.poll(pageInfo).toBe(`1–${expected.length} of ${expected.length}`);
    expect(await duts()).toEqual(expected);
    // The measurement as a column: each row's values, all above the condition somewhere.
    await page.locator('.columns-picker summary').click();
    await page.locator('input[data-column="power_dBm"]').check();
    await expect.poll(() => page.locator('td[data-cell="power_dBm"]').count()).toBe(expected.length);
    for (const text of await page.locator('td[data-cell="power_dBm"]').allTextContents()) {
      expect(text.split(' · ').map(Number).some((v) => v > -16)).toBe(true);
    }
  }, 60_000);

  it('shows a trend with its limit and the yield per lot', async () => {
    await page.locator(tid('filter-where')).fill('');
    await page.locator(tid('filter-lot')).fill('');
    await page.locator(tid('search-runs')).click();
    await expect.poll(pageInfo).toBe(`1–25 of ${RUNS}`);
    await page.locator(tid('trend-measurement')).selectOption('power_dBm');
    await page.waitForSelector(`${tid('trend')} canvas`);
    expect(await page.locator(`${tid('trend')} figcaption, ${tid('trend')} .plot-panel`).first().textContent()).toMatch(new RegExp(`power_dBm over time \\(${RUNS * 2} values\\)`));
    // The interrupted run (made so above) has no verdict.
    const recs = Array.from({ length: RUNS }, (_, i) => (i === RUNS - 3 ? { ...syntheticRecord(i, { lots: 3 }), passed: null } : syntheticRecord(i, { lots: 3 })));
    const l0 = recs.filter((r) => r.metadata['lot'] === 'L000');
    const passed = l0.filter((r) => r.passed === true).length;
    const failed = l0.filter((r) => r.passed === false).length;
    const unjudged = l0.length - passed - failed;
    expect(unjudged).toBe(1);
    await expect.poll(() => page.locator(`${tid('yield')} tr[data-lot="L000"] td`).allTextContents())
      .toEqual(['L000', String(l0.length), String(passed), String(failed), '1', `${((100 * passed) / (passed + failed)).toFixed(1)} %`]);
  }, 60_000);

  it('overlays two runs and offers Resume for the interrupted one', async () => {
    const rows = page.locator(tid('search-row'));
    await rows.nth(0).locator(tid('overlay-pick')).check();
    await rows.nth(1).locator(tid('overlay-pick')).check();
    await page.waitForSelector(`${tid('overlay')} canvas`);
    expect(await page.locator(tid('overlay-table')).inputValue()).toBe('spectrum.csv');
    expect(await page.locator(tid('overlay-column')).inputValue()).toBe('loss_dB');
    const aborted = page.locator(`${tid('search-row')}[data-run="${syntheticRecord(RUNS - 3).runId}"]`);
    expect(await aborted.locator(tid('resume-run')).count()).toBe(1);
    expect(await page.locator(tid('resume-run')).count()).toBe(1);
    // Resume asks the service to continue exactly this run: its folder holds no journal (a synthetic
    // record), so the service's refusal, naming the folder, is shown.
    await aborted.locator(tid('resume-run')).click();
    await expect.poll(() => page.locator(tid('search-error')).textContent(), { timeout: 15_000 }).toContain(syntheticRecord(RUNS - 3).runId);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SHOTS, 'history-search.png'), fullPage: true });
  }, 60_000);

  it('says what is wrong with a bad condition, and raised no page errors', async () => {
    await page.locator(tid('filter-where')).fill('power_dBm is high');
    await page.locator(tid('search-runs')).click();
    await expect.poll(() => page.locator(tid('search-error')).textContent()).toMatch(/'power_dBm is high' has no comparison; expected "<measurement> <comparison> <number>"/);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
