// The IPC side of the BenchApi in the main process: one ipcMain.handle per channel, each checking that the
// call comes from our window's main frame on our own origin (not an iframe, not a page navigated
// elsewhere) and that its payload fits the channel's schema (dispatchCall) before the service sees it.
// Service events go to the window with webContents.send. Replies are envelopes; the preload unwraps them.
import { userInfo } from 'node:os';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { AuditSink } from '../service/access/audit-log.ts';
import { isControlCall } from '../service/access/roles.ts';
import { BENCH_CHANNELS, type BenchApi } from '../service/bench-api.ts';
import { dispatchCall, type CallEnvelope } from '../service/dispatch.ts';
import type { AnyBenchEventListener } from '../service/event-hub.ts';
import { callChannel, eventChannel } from './ipc-channels.ts';
import { isAppUrl } from './security.ts';

export interface IpcTarget extends BenchApi {
  events: { onAny(listener: AnyBenchEventListener): () => void };
}

/** Why a sender is refused, or null when it is our window's main frame on our origin. */
export function senderRefusal(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, window: WebContents | null): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!window || event.sender !== window) return 'the call does not come from the application window';
  if (frame !== window.mainFrame) return 'the call comes from a sub-frame, not the window\'s main frame';
  if (!isAppUrl(frame.url)) return `the sending page (${frame.url}) is not the application's own`;
  return null;
}

/** The desktop user, as the audit log names them (the one person at the bench PC, an operator). */
function desktopUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'desktop user';
  }
}

/**
 * Registers every channel's handler; `window()` gives the one trusted webContents (null while there is
 * none); control calls go to `audit`, as the browser mode's do. Returns a function that removes the
 * handlers and the event forwarding.
 */
export function registerIpc(ipcMain: IpcMain, service: IpcTarget, window: () => WebContents | null, audit?: AuditSink): () => void {
  const who = desktopUser();
  for (const channel of BENCH_CHANNELS) {
    ipcMain.handle(callChannel(channel), async (event: IpcMainInvokeEvent, arg: unknown): Promise<CallEnvelope> => {
      const refusal = senderRefusal(event, window());
      if (refusal) return { ok: false, error: { name: 'IpcSenderError', message: `${channel}: refused: ${refusal}` } };
      const envelope = await dispatchCall(service, channel, arg);
      if (audit && isControlCall(channel)) {
        void audit.write({
          time: new Date().toISOString(), who, role: 'operator', via: 'desktop app', call: channel, arg: arg ?? null,
          result: envelope.ok ? 'ok' : 'error', ...(envelope.ok ? {} : { error: { name: envelope.error.name, message: envelope.error.message } }),
        });
      }
      return envelope;
    });
  }
  const stopEvents = service.events.onAny((event, payload) => {
    const wc = window();
    if (wc && !wc.isDestroyed()) wc.send(eventChannel(event), payload);
  });
  return () => {
    stopEvents();
    for (const channel of BENCH_CHANNELS) ipcMain.removeHandler(callChannel(channel));
  };
}
