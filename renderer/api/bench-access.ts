// The one way the stores reach the bench: the BenchBridge (`window.bench` — Electron's preload, or the
// WebSocket client in browser mode), handed over once at start-up. The stores never touch Node or the
// window directly, so they run in unit tests against a fake bridge.
import type { BenchBridge } from '../../service/bench-api.ts';

export class BenchUnavailableError extends Error {
  override readonly name = 'BenchUnavailableError';
}

let current: BenchBridge | null = null;

export function setBench(bridge: BenchBridge | null): void {
  current = bridge;
}

export function useBench(): BenchBridge {
  if (!current) throw new BenchUnavailableError('window.bench is not connected: the UI has no bench service to talk to');
  return current;
}

/** An error (from a rejected call) as one line for the UI. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
