// Roles in Chromium, over TLS: `benchctl serve --host 127.0.0.1 --tls self-signed` with a viewer's and an
// operator's token (as the README's three commands set it up). Each logs in at /login in its own browser
// context; the operator switches the laser on and the viewer sees it live; the viewer's own attempt is
// refused on screen naming the role it needs; the viewer's make safe works. The printed fingerprint is
// the certificate the server presents.
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../service/access/token-store.ts';
import { startServedUi, watchErrors, type ServedUi } from './fixtures/served-ui.ts';
import { DEFAULT_BENCH_ROLES } from '../../sim/link/bench-file.ts';

let ui: ServedUi;
const contexts: BrowserContext[] = [];
let viewer: Page;
let operator: Page;
const tokens: Record<'viewer' | 'operator', string> = { viewer: '', operator: '' };
const pageErrors: string[] = [];

const tid = (id: string) => `[data-testid="${id}"]`;

async function loginPage(token: string): Promise<Page> {
  // The certificate is self-signed: the test checks its fingerprint itself (below), as a user would.
  const context = await ui.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  watchErrors(page, pageErrors, { console: false });
  await page.goto(new URL('/', ui.serve.url).href);
  // Not logged in: sent to the login form.
  await page.waitForSelector(tid('login-token'));
  await page.locator(tid('login-token')).fill(token);
  await page.locator(tid('login-submit')).click();
  await page.waitForSelector(tid('view-bench'));
  return page;
}

beforeAll(async () => {
  ui = await startServedUi({
    prefix: 'i14-e2e-roles-',
    prepare: async (dir) => {
      const store = new TokenStore(join(dir, 'tokens.json'));
      tokens.viewer = await store.add('vera', 'viewer');
      tokens.operator = await store.add('otto', 'operator');
    },
    args: (dir) => ['--sim', '--host', '127.0.0.1', '--tls', 'self-signed', '--tokens', join(dir, 'tokens.json')],
  });
  operator = await loginPage(tokens.operator);
  viewer = await loginPage(tokens.viewer);
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  expect(await ui?.close()).toBe(0);
}, 60_000);

describe('viewer and operator in Chromium over TLS', () => {
  it('prints the certificate fingerprint the server presents, and an https login URL', async () => {
    expect(ui.serve.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/login\?code=/);
    const printed = /^tls sha256 (\S+)$/m.exec(ui.serve.output())?.[1];
    const port = Number(new URL(ui.serve.url).port);
    const presented = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate().fingerprint256);
        s.end();
      });
      s.once('error', reject);
    });
    expect(printed).toBe(presented);
  });

  it('lets the operator switch the laser on, and the viewer sees it live', async () => {
    await expect.poll(() => operator.locator(`${tid('instruments')} tbody tr`).count(), { timeout: 30_000 }).toBe(DEFAULT_BENCH_ROLES.length);
    await operator.locator(tid('laser-toggle')).click();
    await expect.poll(() => operator.locator(tid('laser-badge')).getAttribute('data-emission'), { timeout: 15_000 }).toBe('on');
    await expect.poll(() => viewer.locator(tid('laser-badge')).getAttribute('data-emission'), { timeout: 15_000 }).toBe('on');
  }, 60_000);

  it('refuses the viewer a control on screen, naming the role it needs', async () => {
    await viewer.locator(tid('laser-toggle')).click();
    await expect.poll(() => viewer.locator('.laser-panel [role="alert"], [role="alert"]').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('refused for vera (role viewer); it needs the operator role')]));
    // Still on: the refusal changed nothing.
    expect(await operator.locator(tid('laser-badge')).getAttribute('data-emission')).toBe('on');
  }, 30_000);

  it('lets the viewer make the bench safe, and the operator sees the laser go off', async () => {
    await viewer.locator(tid('make-safe')).click();
    await expect.poll(() => operator.locator(tid('laser-badge')).getAttribute('data-emission'), { timeout: 15_000 }).toBe('off');
    await expect.poll(() => viewer.locator(tid('laser-badge')).getAttribute('data-emission'), { timeout: 15_000 }).toBe('off');
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
