// IPC channel names for the BenchApi, shared by the main process and the preload (which bundles this file,
// so it imports nothing at run time but the channel list).
import type { BenchChannel, BenchEventName } from '../service/bench-api.ts';

const CALL_PREFIX = 'bench:';
const EVENT_PREFIX = 'bench-event:';

/** `setLaser` → `bench:setLaser`: the ipcMain.handle / ipcRenderer.invoke channel of a call. */
export function callChannel(channel: BenchChannel): string {
  return CALL_PREFIX + channel;
}

/** `monitor` → `bench-event:monitor`: the webContents.send / ipcRenderer.on channel of an event. */
export function eventChannel(event: BenchEventName): string {
  return EVENT_PREFIX + event;
}
