// Newport ESP301 error codes and its error buffer. General errors are 0…41; axis-specific errors are
// reported as axis·100 + code (e.g. 106: axis 1 positive software limit), as in the ESP301 manual.
// `TB?` reads the oldest entry as `<code>, <timestamp>, <MESSAGE>`, `TE?` only its code; both remove it.

export const Esp301Error = {
  NoError: 0,
  PciCommunicationTimeout: 1,
  EmergencyStopActivated: 4,
  CommandDoesNotExist: 6,
  ParameterOutOfRange: 7,
  CableInterlockError: 8,
  AxisNumberOutOfRange: 9,
  CommandNotAllowed: 27,
  AxisNumberMissing: 37,
  CommandParameterMissing: 38,
} as const;

/** Axis-specific codes (the low two digits of axis·100 + code). */
export const Esp301AxisError = {
  ParameterOutOfRange: 1,
  FollowingErrorThresholdExceeded: 3,
  PositiveHardwareLimitDetected: 4,
  NegativeHardwareLimitDetected: 5,
  PositiveSoftwareLimitDetected: 6,
  NegativeSoftwareLimitDetected: 7,
  MaximumVelocityExceeded: 10,
  MaximumAccelerationExceeded: 11,
  MotorNotEnabled: 13,
  HomingAborted: 20,
} as const;

const GENERAL_MESSAGES: Readonly<Record<number, string>> = {
  0: 'NO ERROR DETECTED',
  1: 'PCI COMMUNICATION TIME-OUT',
  4: 'EMERGENCY STOP ACTIVATED',
  6: 'COMMAND DOES NOT EXIST',
  7: 'PARAMETER OUT OF RANGE',
  8: 'CABLE INTERLOCK ERROR',
  9: 'AXIS NUMBER OUT OF RANGE',
  13: 'GROUP NUMBER MISSING',
  14: 'GROUP NUMBER OUT OF RANGE',
  15: 'GROUP NUMBER NOT ASSIGNED',
  16: 'GROUP NUMBER ALREADY ASSIGNED',
  17: 'GROUP AXIS OUT OF RANGE',
  18: 'GROUP AXIS ALREADY ASSIGNED',
  19: 'GROUP AXIS DUPLICATED',
  20: 'DATA ACQUISITION IS BUSY',
  21: 'DATA ACQUISITION SETUP ERROR',
  22: 'DATA ACQUISITION NOT ENABLED',
  23: 'SERVO CYCLE (400 µS) TICK FAILURE',
  25: 'DOWNLOAD IN PROGRESS',
  26: 'STORED PROGRAM NOT STARTED',
  27: 'COMMAND NOT ALLOWED',
  28: 'STORED PROGRAM FLASH AREA FULL',
  29: 'GROUP PARAMETER MISSING',
  30: 'GROUP PARAMETER OUT OF RANGE',
  31: 'GROUP MAXIMUM VELOCITY EXCEEDED',
  32: 'GROUP MAXIMUM ACCELERATION EXCEEDED',
  33: 'GROUP MAXIMUM DECELERATION EXCEEDED',
  34: 'GROUP MOVE NOT ALLOWED DURING MOTION',
  35: 'PROGRAM NOT FOUND',
  37: 'AXIS NUMBER MISSING',
  38: 'COMMAND PARAMETER MISSING',
  39: 'PROGRAM LABEL NOT FOUND',
  40: 'LAST COMMAND CANNOT BE REPEATED',
  41: 'MAX NUMBER OF LABELS PER PROGRAM EXCEEDED',
};

const AXIS_MESSAGES: Readonly<Record<number, string>> = {
  0: 'MOTOR TYPE NOT DEFINED',
  1: 'PARAMETER OUT OF RANGE',
  2: 'AMPLIFIER FAULT DETECTED',
  3: 'FOLLOWING ERROR THRESHOLD EXCEEDED',
  4: 'POSITIVE HARDWARE LIMIT DETECTED',
  5: 'NEGATIVE HARDWARE LIMIT DETECTED',
  6: 'POSITIVE SOFTWARE LIMIT DETECTED',
  7: 'NEGATIVE SOFTWARE LIMIT DETECTED',
  8: 'MOTOR / STAGE NOT CONNECTED',
  9: 'FEEDBACK SIGNAL FAULT DETECTED',
  10: 'MAXIMUM VELOCITY EXCEEDED',
  11: 'MAXIMUM ACCELERATION EXCEEDED',
  13: 'MOTOR NOT ENABLED',
  15: 'MAXIMUM JERK EXCEEDED',
  16: 'MAXIMUM DAC OFFSET EXCEEDED',
  17: 'ESP CRITICAL SETTINGS ARE PROTECTED',
  18: 'ESP STAGE DEVICE ERROR',
  19: 'ESP STAGE DATA INVALID',
  20: 'HOMING ABORTED',
  21: 'MOTOR CURRENT NOT DEFINED',
  22: 'UNIDRIVE COMMUNICATIONS ERROR',
  23: 'UNIDRIVE NOT DETECTED',
  24: 'SPEED OUT OF RANGE',
  25: 'INVALID TRAJECTORY MASTER AXIS',
  26: 'PARAMETER CHARGE NOT ALLOWED',
  27: 'INVALID TRAJECTORY MODE FOR HOMING',
  28: 'INVALID ENCODER STEP RATIO',
  29: 'DIGITAL I/O INTERLOCK DETECTED',
  30: 'COMMAND NOT ALLOWED DURING HOMING',
  31: 'COMMAND NOT ALLOWED DUE TO GROUP',
  32: 'INVALID TRAJECTORY MODE FOR MOVING',
};

/** The code of an axis-specific error: axis·100 + code. */
export function esp301AxisCode(axis: number, code: number): number {
  return axis * 100 + code;
}

/** The ESP301's text for a code (axis-specific codes by their low two digits). */
export function esp301ErrorMessage(code: number): string {
  const text = code >= 100 ? AXIS_MESSAGES[code % 100] : GENERAL_MESSAGES[code];
  return text ?? `UNKNOWN ERROR ${code}`;
}

/** What a command handler throws; the controller turns it into a buffer entry. */
export class Esp301CommandError extends Error {
  constructor(
    readonly code: number,
    readonly command: string,
  ) {
    super(`ESP301 error ${code} (${esp301ErrorMessage(code)}) on command '${command}'`);
    this.name = 'Esp301CommandError';
  }
}

/** The controller's error buffer holds the ten oldest unread errors; later ones are lost. */
export const ESP301_ERROR_BUFFER_SIZE = 10;

interface Entry {
  readonly code: number;
  readonly timestamp_ms: number;
}

export class Esp301ErrorBuffer {
  private readonly entries: Entry[] = [];

  push(code: number, timestamp_ms: number): void {
    if (this.entries.length < ESP301_ERROR_BUFFER_SIZE) this.entries.push({ code, timestamp_ms: Math.round(timestamp_ms) });
  }

  /** `TB?`: the oldest error as `<code>, <timestamp>, <MESSAGE>` (removed), or the no-error line. */
  nextMessage(now_ms: number): string {
    const e = this.entries.shift() ?? { code: 0, timestamp_ms: Math.round(now_ms) };
    return `${e.code}, ${e.timestamp_ms}, ${esp301ErrorMessage(e.code)}`;
  }

  /** `TE?`: the oldest error's code (removed), 0 when empty. */
  nextCode(): number {
    return this.entries.shift()?.code ?? 0;
  }

  /** Codes waiting, oldest first, without consuming them (verification only). */
  codes(): number[] {
    return this.entries.map((e) => e.code);
  }
}
