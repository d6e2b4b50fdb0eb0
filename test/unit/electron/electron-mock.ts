// A stand-in for the `electron` module (the binary cannot be had here): just enough of app, BrowserWindow,
// webContents, ipcMain, session, protocol, Menu, dialog, contextBridge and ipcRenderer for the tests to
// drive electron/ and look at what it asked Electron to do. Used through vi.mock('electron', ...).
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export const APP_PAGE = 'app://bench/index.html';

export class FakeFrame {
  url: string;
  constructor(url = APP_PAGE) {
    this.url = url;
  }
}

export class FakeWebContents extends EventEmitter {
  mainFrame = new FakeFrame();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send = vi.fn();
  destroyed = false;

  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  isMinimized = vi.fn(() => false);
  restore = vi.fn();
  focus = vi.fn();

  /** The next window's page fails to load with this (the UI not built, say). */
  static failNextLoad: Error | null = null;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    const fail = FakeBrowserWindow.failNextLoad;
    FakeBrowserWindow.failNextLoad = null;
    if (fail) this.loadURL = vi.fn(async (_url: string) => Promise.reject(fail));
    FakeBrowserWindow.instances.push(this);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  /** Resolved unless a test holds 'ready' back (holdReady) to see what runs before it, as Electron would. */
  private ready: Promise<void> = Promise.resolve();
  private fire: () => void = () => undefined;
  whenReady = vi.fn(() => this.ready);

  /** From now on whenReady() waits for fireReady(): like Electron, where an ES main gets 'ready' only after it evaluated. */
  holdReady(): void {
    this.ready = new Promise((resolve) => (this.fire = resolve));
  }

  fireReady(): void {
    this.fire();
    this.ready = Promise.resolve();
  }
  enableSandbox = vi.fn();
  requestSingleInstanceLock = vi.fn(() => true);
  quit = vi.fn();
  exit = vi.fn();
}

class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>();
  handle = vi.fn((channel: string, fn: (event: unknown, arg: unknown) => Promise<unknown>) => {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  });

  removeHandler = vi.fn((channel: string) => void this.handlers.delete(channel));
}

class FakeIpcRenderer {
  invoke = vi.fn(async (_channel: string, _arg: unknown): Promise<unknown> => ({ ok: true, value: null }));
  on = vi.fn();
  removeListener = vi.fn();
}

export function makeElectron() {
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    ipcRenderer: new FakeIpcRenderer(),
    contextBridge: { exposeInMainWorld: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() } },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })) },
  };
}

export type FakeElectron = ReturnType<typeof makeElectron>;

/** The IPC event a handler receives, from `contents` (frame defaults to its main frame). */
export function ipcEvent(contents: FakeWebContents, frame: FakeFrame | null = contents.mainFrame): { sender: FakeWebContents; senderFrame: FakeFrame | null } {
  return { sender: contents, senderFrame: frame };
}

/** The one fake every test file of this folder mocks 'electron' with (see reset()). */
export const electron = makeElectron();

/** Between tests: forget handlers, windows, listeners and recorded calls. */
export function reset(): void {
  vi.clearAllMocks();
  electron.ipcMain.handlers.clear();
  electron.app.removeAllListeners();
  electron.app.fireReady();
  FakeBrowserWindow.instances.length = 0;
  FakeBrowserWindow.failNextLoad = null;
}
