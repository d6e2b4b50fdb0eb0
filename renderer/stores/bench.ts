// The bench store: what is open, each instrument's identity/status/last error, and manual control state
// per role (lasers, meters, stages, VOAs, BERTs), the live meter reading from the service's monitor, and
// the SCPI console transcripts. Everything comes from window.bench (the BenchApi) and its pushed events.
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type {
  BenchStatus, BertSettings, BertState, InstrumentStatus, LaserReport, LaserSettings, LaserState, MeterReading, MonitorSettings, MonitorState,
  OpenBenchRequest, ScpiReply, StageState, VoaSettings, VoaState,
} from '../../service/bench-api.ts';
import { errorText, useBench } from '../api/bench-access.ts';
import { ReadingTrend } from './reading-trend.ts';
import { StateRereads } from './state-rereads.ts';

export type ControlArea = 'open' | 'safe' | 'laser' | 'meter' | 'monitor' | 'stage' | 'voa' | 'bert' | 'console';

export interface ConsoleLine {
  id: number;
  time: string;
  reply: ScpiReply | null;
  command: string;
  /** A refused call (no such role, bench closed): the service's message. */
  refused: string | null;
}

const CONSOLE_LINES = 200;
/** The kinds whose state a panel shows from one read (meters stream theirs from the monitor). */
const STATE_KINDS = ['laser', 'stage', 'voa', 'bert'] as const;
type StateKind = (typeof STATE_KINDS)[number];

export const useBenchStore = defineStore('bench', () => {
  const status = ref<BenchStatus | null>(null);
  const lasers = ref<Record<string, LaserState>>({});
  const stages = ref<Record<string, StageState>>({});
  const voas = ref<Record<string, VoaState>>({});
  const berts = ref<Record<string, BertState>>({});
  /** Latest reading per meter role; replaced whole (shallow) at the monitor's rate. */
  const readings = shallowRef<Record<string, MeterReading>>({});
  const trend = markRaw(new ReadingTrend());
  const trendVersion = ref(0);
  const monitor = ref<MonitorState | null>(null);
  const busy = ref<Partial<Record<ControlArea, boolean>>>({});
  const errors = ref<Partial<Record<ControlArea, string | null>>>({});
  const consoles = ref<Record<string, ConsoleLine[]>>({});
  let consoleId = 0;
  let unsubscribe: (() => void)[] = [];
  const rereads = new StateRereads();
  /** The link to the service is down (browser mode): every state shown is from before the loss. */
  const linkDown = ref(false);

  const isOpen = computed(() => status.value?.open === true);
  const runOwned = computed(() => status.value?.runId != null);
  const instruments = computed<InstrumentStatus[]>(() => status.value?.instruments ?? []);
  const rolesOf = (kind: string) => instruments.value.filter((i) => i.kind === kind).map((i) => i.role);
  /**
   * 'on' when a laser reports emission; 'unknown' while a run owns the bench (it drives the laser) or a
   * laser's state has not been read: a state we do not know is never shown as off.
   */
  const emission = computed<'on' | 'off' | 'unknown'>(() => {
    if (linkDown.value && (status.value?.instruments ?? []).some((i) => i.kind === 'laser')) return 'unknown';
    if (!isOpen.value) return 'off';
    if (Object.values(lasers.value).some((l) => l.output)) return 'on';
    const roles = rolesOf('laser');
    if (roles.length > 0 && (runOwned.value || roles.some((r) => !lasers.value[r]))) return 'unknown';
    return 'off';
  });

  async function act<T>(area: ControlArea, call: () => Promise<T>): Promise<T | undefined> {
    busy.value = { ...busy.value, [area]: true };
    errors.value = { ...errors.value, [area]: null };
    try {
      return await call();
    } catch (err) {
      errors.value = { ...errors.value, [area]: errorText(err) };
      return undefined;
    } finally {
      busy.value = { ...busy.value, [area]: false };
    }
  }

  function onReading(r: MeterReading): void {
    readings.value = { ...readings.value, [r.role]: r };
    trend.add(r);
    trendVersion.value++;
  }

  /** Subscribes to the service's pushed events and reads the current state. */
  async function init(): Promise<void> {
    const api = useBench();
    unsubscribe.forEach((u) => u());
    unsubscribe = [
      api.on('bench', onStatus),
      api.on('monitor', onReading),
      api.on('stage', (s) => { stages.value = { ...stages.value, [s.role]: s }; }),
      api.on('laser', onLaser),
    ];
    await act('open', async () => {
      status.value = await api.benchStatus();
      monitor.value = await api.monitorState();
    });
    if (isOpen.value) await refreshAll();
  }

  /**
   * The service pushes every laser read (after any client's call or console line, Make safe, a run's end,
   * and every couple of seconds while idle): no polling here. A laser it could not read is unknown, never off.
   */
  function onLaser(r: LaserReport): void {
    if (!isOpen.value) return;
    if (r.state) {
      lasers.value = { ...lasers.value, [r.role]: r.state };
    } else {
      const { [r.role]: _gone, ...rest } = lasers.value;
      lasers.value = rest;
    }
  }

  function onStatus(s: BenchStatus): void {
    const wasOpen = isOpen.value, hadRun = runOwned.value;
    status.value = s;
    if (!s.open) clearStates();
    // Opened, or a run gave the bench back: what the run left the instruments in must be read, not assumed.
    else if (!wasOpen || (hadRun && s.runId === null)) void refreshAll();
  }

  function dispose(): void {
    rereads.clear();
    unsubscribe.forEach((u) => u());
    unsubscribe = [];
  }

  function clearStates(): void {
    rereads.clear();
    lasers.value = {};
    stages.value = {};
    voas.value = {};
    berts.value = {};
    readings.value = {};
    trend.clear();
  }

  /** Reads every instrument's state (after opening, or when a run gave the bench back). */
  // Each state is awaited before the spread: a spread taken before the await would drop a sibling role's
  // state read meanwhile (two stages, two meters).
  async function refreshAll(): Promise<void> {
    if (runOwned.value) return;
    await Promise.all([
      ...STATE_KINDS.flatMap((kind) => rolesOf(kind).map((role) => readState(kind, role))),
      act('monitor', async () => { monitor.value = await useBench().monitorState(); }),
    ]);
  }

  const stateReaders: Record<StateKind, (role: string) => Promise<void>> = {
    laser: async (role) => { const st = await useBench().laserState({ role }); lasers.value = { ...lasers.value, [role]: st }; },
    stage: async (role) => { const st = await useBench().stageState({ role }); stages.value = { ...stages.value, [role]: st }; },
    voa: async (role) => { const st = await useBench().voaState({ role }); voas.value = { ...voas.value, [role]: st }; },
    bert: async (role) => { const st = await useBench().bertState({ role }); berts.value = { ...berts.value, [role]: st }; },
  };
  const hasState = (kind: StateKind, role: string): boolean =>
    ({ laser: lasers, stage: stages, voa: voas, bert: berts })[kind].value[role] !== undefined;

  /** Reads one role's state; a failed read is tried again (state-rereads.ts) while its state is still missing. */
  async function readState(kind: StateKind, role: string, attempt = 0): Promise<void> {
    const key = `${kind}:${role}`;
    rereads.cancel(key);
    const ok = await act(kind, async () => { await stateReaders[kind](role); return true; });
    if (ok || !isOpen.value || runOwned.value) return;
    rereads.schedule(key, attempt, () => {
      if (isOpen.value && !runOwned.value && !hasState(kind, role)) void readState(kind, role, attempt + 1);
    });
  }

  async function open(req: OpenBenchRequest): Promise<boolean> {
    const s = await act('open', () => useBench().openBench(req));
    if (!s) return false;
    status.value = s;
    clearStates();
    await refreshAll();
    return true;
  }

  async function close(): Promise<void> {
    const s = await act('open', () => useBench().closeBench());
    if (s) { status.value = s; clearStates(); }
  }

  async function makeSafe(): Promise<void> {
    const r = await act('safe', () => useBench().makeSafe());
    if (r && !r.ok) errors.value = { ...errors.value, safe: r.message };
    await refreshAll();
  }

  async function setLaser(settings: LaserSettings & { role: string }): Promise<void> {
    const s = await act('laser', () => useBench().setLaser(settings));
    if (s) lasers.value = { ...lasers.value, [s.role]: s };
  }

  async function readMeter(role: string): Promise<void> {
    const r = await act('meter', () => useBench().readMeter({ role }));
    if (r) onReading(r);
  }

  async function setMonitor(settings: MonitorSettings): Promise<void> {
    const m = await act('monitor', () => useBench().setMonitor(settings));
    if (m) monitor.value = m;
  }

  async function jog(role: string, axis: string, delta_um: number): Promise<void> {
    const s = await act('stage', () => useBench().jogStage({ role, axis, delta_um }));
    if (s) stages.value = { ...stages.value, [s.role]: s };
  }

  async function moveTo(role: string, axis: string, target_um: number): Promise<void> {
    const s = await act('stage', () => useBench().moveStage({ role, axis, target_um }));
    if (s) stages.value = { ...stages.value, [s.role]: s };
  }

  async function stopStage(role: string): Promise<void> {
    const s = await act('stage', () => useBench().stopStage({ role }));
    if (s) stages.value = { ...stages.value, [s.role]: s };
  }

  async function setVoa(settings: VoaSettings & { role: string }): Promise<void> {
    const s = await act('voa', () => useBench().setVoa(settings));
    if (s) voas.value = { ...voas.value, [s.role]: s };
  }

  async function bertCall(call: () => Promise<BertState>): Promise<void> {
    const s = await act('bert', call);
    if (s) berts.value = { ...berts.value, [s.role]: s };
  }
  const setBert = (settings: BertSettings & { role: string }) => bertCall(() => useBench().setBert(settings));
  const startGate = (role: string) => bertCall(() => useBench().startBertGate({ role }));
  const stopGate = (role: string) => bertCall(() => useBench().stopBertGate({ role }));
  const readBert = (role: string) => bertCall(() => useBench().bertState({ role }));

  async function scpi(role: string, command: string): Promise<ScpiReply | null> {
    const line: ConsoleLine = { id: ++consoleId, time: new Date().toISOString(), command, reply: null, refused: null };
    busy.value = { ...busy.value, console: true };
    try {
      line.reply = await useBench().scpi({ role, command });
    } catch (err) {
      line.refused = errorText(err);
    } finally {
      busy.value = { ...busy.value, console: false };
    }
    const lines = [...(consoles.value[role] ?? []), line].slice(-CONSOLE_LINES);
    consoles.value = { ...consoles.value, [role]: lines };
    // A line to a laser may have switched it: the service reads it back and pushes it (onLaser).
    return line.reply;
  }

  return {
    status, linkDown, lasers, stages, voas, berts, readings, trend, trendVersion, monitor, busy, errors, consoles,
    isOpen, runOwned, instruments, emission, rolesOf,
    init, dispose, refreshAll, readState, open, close, makeSafe, setLaser, readMeter, setMonitor, jog, moveTo, stopStage,
    setVoa, setBert, startGate, stopGate, readBert, scpi,
  };
});
