// Globals of the renderer: `window.bench` (Electron's preload, or the WebSocket client in browser mode).
import type { BenchBridge } from '../service/bench-api.ts';

declare global {
  interface Window {
    bench?: BenchBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
