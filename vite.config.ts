// The renderer's build (Vue 3 + Pinia + uPlot): renderer/ → dist/renderer/, served by `benchctl serve` and
// loaded by Electron's window. Relative asset paths (base './') so the same build works from file:// in
// Electron and under any path prefix of the browser mode. `npm run build:renderer` runs it.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer/', import.meta.url));
const repo = fileURLToPath(new URL('./', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [vue()],
  // models/ lives beside renderer/ and is imported from it (the model curves drawn beside the data).
  server: { fs: { allow: [repo] } },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
