// IEEE 488.2 status reporting: the Standard Event Status Register (ESR) with its enable mask (ESE),
// and the Status Byte (STB) with the Service Request Enable mask (SRE).

/** ESR bits (IEEE 488.2 §11.5.1). */
export const EsrBit = {
  OperationComplete: 1,
  RequestControl: 2,
  QueryError: 4,
  DeviceDependentError: 8,
  ExecutionError: 16,
  CommandError: 32,
  UserRequest: 64,
  PowerOn: 128,
} as const;

/** STB bits used here (IEEE 488.2 §11.2; bit 2 = error/event queue not empty, as SCPI defines it). */
export const StbBit = {
  ErrorQueueNotEmpty: 4,
  MessageAvailable: 16,
  EventStatusSummary: 32,
  MasterSummary: 64,
} as const;

/** The ESR bit an error code sets: -1xx command, -2xx execution, -3xx and device codes device-dependent, -4xx query. */
export function esrBitForError(code: number): number {
  if (code <= -100 && code > -200) return EsrBit.CommandError;
  if (code <= -200 && code > -300) return EsrBit.ExecutionError;
  if (code <= -400 && code > -500) return EsrBit.QueryError;
  if (code === 0) return 0;
  return EsrBit.DeviceDependentError;
}

export class StatusRegisters {
  /** Event register: bits latch until read by *ESR? or cleared by *CLS. Power-on sets PON. */
  private esr: number = EsrBit.PowerOn;
  ese = 0;
  sre = 0;

  setEvent(bits: number): void {
    this.esr |= bits & 0xff;
  }

  /** *ESR?: reads and clears. */
  readEsr(): number {
    const v = this.esr;
    this.esr = 0;
    return v;
  }

  peekEsr(): number {
    return this.esr;
  }

  clearEvents(): void {
    this.esr = 0;
  }

  /** *STB?: does not clear anything; MSS summarises STB & SRE. */
  statusByte(errorQueueNotEmpty: boolean): number {
    let stb = 0;
    if (errorQueueNotEmpty) stb |= StbBit.ErrorQueueNotEmpty;
    if ((this.esr & this.ese) !== 0) stb |= StbBit.EventStatusSummary;
    if ((stb & this.sre & ~StbBit.MasterSummary) !== 0) stb |= StbBit.MasterSummary;
    return stb;
  }
}
