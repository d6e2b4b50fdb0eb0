// The contract between a simulated instrument (its dialect and state) and the link that serves it
// (in-process duplex, TCP socket or serial pty). Link-level faults live in the link, not here.

export interface Framing {
  /** What ends a program message the instrument receives ('\n' for SCPI and PI GCS, '\r' for the ESP301). */
  readonly inputTerminator: string;
  /** What the instrument appends to each reply ('\n', or '\r\n' for the ESP301). */
  readonly outputTerminator: string;
}

export interface SimInstrument {
  /** The bench role it plays by default: 'laser', 'meter', 'voa', 'bert', 'stage', ... */
  readonly role: string;
  /** `*IDN?` reply (for the non-SCPI stages, what their identify command returns). */
  readonly identity: string;
  readonly framing: Framing;
  /**
   * Executes one program message (terminator already stripped; it may chain commands with ';').
   * Resolves to the reply bytes including the output terminator, or undefined when nothing is sent back.
   * Instrument errors never reject: they go to the instrument's error queue as on a real box.
   */
  execute(message: string): Promise<Uint8Array | undefined>;
  /**
   * Optional: how the instrument reports a message that outgrew its input buffer and was discarded, in its
   * own dialect (SCPI -363 "Input buffer overrun", PI GCS error 3). Without it the bytes vanish silently,
   * which is what a controller with no such error code does.
   */
  reportInputOverrun?(discarded_bytes: number): void;
}
