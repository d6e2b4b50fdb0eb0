// The Bert role: a pattern generator and an error detector in one instrument.
import type { InstrumentDriver } from '../driver.ts';

export const BERT_PATTERNS = ['PRBS7', 'PRBS15', 'PRBS23', 'PRBS31'] as const;
export type BertPattern = (typeof BERT_PATTERNS)[number];

/** Line codings: NRZ, or Gray-coded PAM4 (two bits per symbol). */
export const BERT_LINE_CODINGS = ['NRZ', 'PAM4'] as const;
export type BertLineCoding = (typeof BERT_LINE_CODINGS)[number];

/**
 * The error detector's FEC analysis of a PAM4 gate: the compared bits cut into virtual KP4 RS(544,514)
 * codewords (5440 bits each) and the 10-bit symbol errors counted per codeword.
 */
export interface BertFecResults {
  /** Bits compared and bit errors (pre-FEC) of the same gate. */
  bits: number;
  errors: number;
  codewords: number;
  symbolErrors: number;
  /** Codewords with more than 15 symbol errors: what a KP4 decoder cannot correct. */
  uncorrectable: number;
  /** Codewords by symbol errors: index 0 … 15, then 16 for more than 15. */
  histogram: number[];
  sync: boolean;
  syncLost: boolean;
}

/** Count for a fixed time, or until a number of bits has been compared. */
export type BertGate = { mode: 'time'; period_s: number } | { mode: 'bits'; bits: number };

export interface BertResults {
  /** Bits compared in the current (or last) gate. */
  bits: number;
  errors: number;
  /** errors / bits as the instrument reports it (NaN before any bit was counted, if it says so). */
  ber: number;
  /** Pattern sync now. */
  sync: boolean;
  /** Sync was lost at some moment of the gate (even if it is back now): its counts are not a valid measurement. */
  syncLost: boolean;
  /**
   * How many 1-s intervals of the gate saw a loss of sync (the MP1900A's PSLoss count), where the driver
   * reads one; syncLost is then `syncLoss_s > 0`.
   */
  syncLoss_s?: number;
}

export interface Bert extends InstrumentDriver {
  readonly kind: 'bert';
  /**
   * Which bit counts a 'bits' gate may have: 'any' (the detector ends a gate on any count), or 'decades'
   * (10^n only, as the MP1900A's clock-count gate): a sweep that needs exact counts reads a running gate instead.
   */
  readonly bitGates: 'any' | 'decades';
  setPattern(pattern: BertPattern): Promise<void>;
  pattern(): Promise<BertPattern>;
  setLineRate_Gbps(rate_Gbps: number): Promise<void>;
  lineRate_Gbps(): Promise<number>;
  /** The generator's output. */
  setOutput(on: boolean): Promise<void>;
  output(): Promise<boolean>;
  setGate(gate: BertGate): Promise<void>;
  gate(): Promise<BertGate>;
  startGate(): Promise<void>;
  stopGate(): Promise<void>;
  gateRunning(): Promise<boolean>;
  /** Polls until the gate closes; WaitTimeoutError after `timeout_s` (the gate is then stopped). */
  waitGate(timeout_s: number): Promise<void>;
  /** Bits, errors, BER, sync and whether sync was lost during the gate, read together in one round trip. */
  results(): Promise<BertResults>;
  synced(): Promise<boolean>;
  /** Inserts one bit error into the generated pattern. */
  insertError(): Promise<void>;
  /** The detector's decision threshold, V, where the BERT can move it (for a threshold scan / Q factor). */
  setDecisionThreshold_V?(threshold_V: number): Promise<void>;
  decisionThreshold_V?(): Promise<number>;
  /** Line codings the generator and detector offer, where the BERT can change it (absent: NRZ only). */
  readonly lineCodings?: readonly BertLineCoding[];
  setLineCoding?(coding: BertLineCoding): Promise<void>;
  lineCoding?(): Promise<BertLineCoding>;
  /** The current (or last) gate's counts with its FEC analysis, in one round trip (PAM4 lines). */
  fecResults?(): Promise<BertFecResults>;
}
