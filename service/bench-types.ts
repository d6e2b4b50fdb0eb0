// The payloads of BenchApi for the bench and manual control (sequences, runs and history are in
// run-types.ts): plain JSON shapes that cross IPC and the WebSocket. Powers below a meter's noise floor are
// null in dBm (JSON has no -Infinity); times are ISO strings; units are in the names.
import type { RoleKind } from '../drivers/driver.ts';
import type { BertGate, BertPattern } from '../drivers/roles/bert.ts';

export type { RoleKind, BertGate, BertPattern };

export interface NumberRange {
  min: number;
  max: number;
}

// ── the bench ──

export type OpenBenchRequest =
  /** The in-process simulator: seed of its hidden world, and its clock ('fast' unless realtime). */
  | { kind: 'sim'; seed?: number; realtime?: boolean; world?: 'chip' | 'wafer' }
  /** A bench file (YAML) on the machine running the service. */
  | { kind: 'file'; path: string };

export type BenchSource = { kind: 'sim'; seed: number; realtime: boolean; world?: 'chip' | 'wafer' } | { kind: 'file'; path: string };

/** The last failure of an instrument call (manual control, console, monitor). */
export interface InstrumentErrorInfo {
  time: string;
  /** What was being done: 'setLaser', 'readMeter', 'scpi *IDN?', 'monitor', ... */
  operation: string;
  /** The error class: 'TimeoutError', 'InstrumentError', 'SoftLimitError', 'LinkLostError', ... */
  name: string;
  message: string;
  /** The instrument's error code, for instrument errors. */
  code: number | null;
}

/** 'ok': the last call succeeded; 'error': it failed; 'lost': the link went away. */
export type InstrumentState = 'ok' | 'error' | 'lost';

export interface StageAxisInfo {
  axis: string;
  min_um: number;
  max_um: number;
}

export interface InstrumentStatus {
  role: string;
  kind: RoleKind;
  driver: string;
  resource: string;
  /** `*IDN?` (or the dialect's identify reply) read when the bench opened. */
  identity: string;
  /** True when the bench file said `driver: auto`. */
  detected: boolean;
  state: InstrumentState;
  lastError: InstrumentErrorInfo | null;
  /** Lasers: the limits every setter is checked against. */
  limits?: { wavelength_nm: NumberRange; power_dBm: NumberRange; speed_nm_s: NumberRange };
  /** Meters: channel numbers. */
  channels?: number[];
  /** Stages: logical axes with their soft limits. */
  axes?: StageAxisInfo[];
  /** VOAs: whether the model has a power-setpoint mode. */
  hasPowerControl?: boolean;
}

export interface BenchStatus {
  open: boolean;
  name: string | null;
  source: BenchSource | null;
  instruments: InstrumentStatus[];
  /** The run that owns the bench; manual control and the monitor wait while there is one. */
  runId: string | null;
  /** Bench seconds (the simulator's clock, or wall time since opening). */
  benchTime_s: number;
}

// ── manual control ──

export interface LaserState {
  role: string;
  wavelength_nm: number;
  power_dBm: number;
  /** The emission state: true = the laser is emitting. */
  output: boolean;
  limits: { wavelength_nm: NumberRange; power_dBm: NumberRange };
}

/**
 * What the service pushes (event 'laser') whenever it has read a laser: after every manual call and console
 * line to it, after Make safe, when a bench opens or a run gives it back, and every couple of seconds while
 * the bench is idle (a front panel, an interlock or another client may change it). `state` is null when
 * the laser could not be read: its emission is then unknown, never "off".
 */
export interface LaserReport {
  role: string;
  state: LaserState | null;
  /** Why it could not be read. */
  error: string | null;
  time: string;
}

export interface LaserSettings {
  role?: string;
  wavelength_nm?: number;
  power_dBm?: number;
  output?: boolean;
}

export interface ChannelReading {
  channel: number;
  /** null below the noise floor (no measurable light, 0 mW) or when the meter gave no number. */
  power_dBm: number | null;
  /** null only when the meter gave no number. */
  power_mW: number | null;
}

export interface MeterReading {
  role: string;
  time: string;
  benchTime_s: number;
  channels: ChannelReading[];
}

export interface MeterSettings {
  role?: string;
  channel: number;
  wavelength_nm?: number;
  averagingTime_s?: number;
  autoRange?: boolean;
}

export interface MeterChannelState {
  role: string;
  channel: number;
  wavelength_nm: number;
  averagingTime_s: number;
  autoRange: boolean;
}

export interface MonitorSettings {
  enabled?: boolean;
  /** Time between readings; the monitor never asks again before the last reading came back. */
  interval_s?: number;
  role?: string;
  /** Channels to read (default: every channel of the meter). */
  channels?: number[];
}

export interface MonitorState {
  enabled: boolean;
  interval_s: number;
  role: string | null;
  channels: number[];
  /** Polling now: enabled, a meter is open, and no run owns it. */
  active: boolean;
  /** Why it is not polling although enabled. */
  idleReason: string | null;
  lastError: string | null;
}

export interface StageAxisState extends StageAxisInfo {
  position_um: number;
  /** At (or past) a soft limit: moves further that way are refused. */
  atMin: boolean;
  atMax: boolean;
}

export interface StageState {
  role: string;
  axes: StageAxisState[];
}

export interface VoaState {
  role: string;
  attenuation_dB: number;
  wavelength_nm: number;
  /** Shutter: false blocks the light. */
  output: boolean;
  hasPowerControl: boolean;
}

export interface VoaSettings {
  role?: string;
  attenuation_dB?: number;
  wavelength_nm?: number;
  output?: boolean;
}

export interface BertCounts {
  bits: number;
  errors: number;
  /** null before any bit was counted. */
  ber: number | null;
  sync: boolean;
}

export interface BertState {
  role: string;
  pattern: BertPattern;
  lineRate_Gbps: number;
  output: boolean;
  gate: BertGate;
  running: boolean;
  results: BertCounts;
}

export interface BertSettings {
  role?: string;
  pattern?: BertPattern;
  lineRate_Gbps?: number;
  output?: boolean;
  gate?: BertGate;
}

export interface ScpiReply {
  role: string;
  command: string;
  /** A query (ends in '?') has a reply; a command has none. */
  kind: 'query' | 'command';
  reply: string | null;
  /** What the instrument's error queue held after the line (oldest first); empty when all went well. */
  errors: { code: number; message: string }[];
  /** A failure of the exchange itself: timeout, link lost, a reply that was not text. */
  failure: { name: string; message: string } | null;
  duration_ms: number;
}
