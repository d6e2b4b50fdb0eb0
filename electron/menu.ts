// The application menu: open a bench file or the simulator, make the bench safe, quit; view and help.
// Actions go to the service like any UI call; the window hears about them through the 'bench' event.
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { dirname } from 'node:path';
import type { BenchApi } from '../service/bench-api.ts';

export interface MenuContext {
  service: Pick<BenchApi, 'openBench' | 'makeSafe'> & { allowFolder(dir: string): void };
  window(): BrowserWindow | null;
  /** Developer tools only when running from source. */
  isPackaged: boolean;
}

async function report(action: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    dialog.showErrorBox(`benchctl: ${action} failed`, err instanceof Error ? err.message : String(err));
  }
}

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Bench File…',
          accelerator: 'CmdOrCtrl+O',
          click: () => void report('opening the bench file', async () => {
            const win = ctx.window();
            const options = { title: 'Open a bench file', filters: [{ name: 'Bench files', extensions: ['yaml', 'yml'] }], properties: ['openFile' as const] };
            const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
            const path = r.filePaths[0];
            if (!r.canceled && path) {
              // Chosen in the native dialog, so the operator's choice: its folder becomes readable.
              ctx.service.allowFolder(dirname(path));
              await ctx.service.openBench({ kind: 'file', path });
            }
          }),
        },
        { label: 'Open Simulated Bench', click: () => void report('opening the simulated bench', () => ctx.service.openBench({ kind: 'sim', seed: 1 })) },
        { type: 'separator' },
        {
          label: 'Make Bench Safe',
          accelerator: 'CmdOrCtrl+Shift+S',
          click: () => void report('making the bench safe', async () => {
            const r = await ctx.service.makeSafe();
            if (!r.ok) throw new Error(r.message);
          }),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(ctx.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'help', submenu: [{ role: 'about' }] },
  ];
}

export function installMenu(ctx: MenuContext): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(ctx)));
}
