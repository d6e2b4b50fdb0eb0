// The renderer's entry: Vue + Pinia, then App connects to window.bench (Electron's preload or, in a
// browser, the WebSocket client) and hands it to the stores.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import 'uplot/dist/uPlot.min.css';
import './styles/app.css';
import { connectBench } from './api/connect.ts';
import App from './App.vue';

// Start the connection now; App awaits the same promise (and shows its failure).
connectBench().catch(() => undefined);
createApp(App).use(createPinia()).mount('#app');
