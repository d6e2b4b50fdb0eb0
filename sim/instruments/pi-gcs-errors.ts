// PI General Command Set (GCS) error codes the simulated controller raises, with PI's texts. GCS keeps a
// single error register: the latest error replaces the previous one, and `ERR?` reads and clears it.

export const PiGcsError = {
  NoError: 0,
  ParameterSyntax: 1,
  UnknownCommand: 2,
  CommandTooLong: 3,
  MoveWithoutReferenceOrServoOff: 5,
  PositionOutOfLimits: 7,
  VelocityOutOfLimits: 8,
  ControllerStopped: 10,
  InvalidAxisIdentifier: 15,
  ParameterOutOfRange: 17,
  UnknownParameter: 54,
} as const;

const MESSAGES: Readonly<Record<number, string>> = {
  0: 'No error',
  1: 'Parameter syntax error',
  2: 'Unknown command',
  3: 'Command length out of limits or command buffer overrun',
  5: 'Unallowable move attempted on unreferenced axis, or move attempted with servo off',
  7: 'Position out of limits',
  8: 'Velocity out of limits',
  9: 'Attempt to set pivot point while U, V and W not all 0',
  10: 'Controller was stopped by command',
  15: 'Invalid axis identifier',
  17: 'Parameter out of range',
  54: 'Unknown parameter',
};

export function piGcsErrorMessage(code: number): string {
  return MESSAGES[code] ?? `GCS error ${code}`;
}

/** What a command handler throws; the controller stores its code in the error register. */
export class PiGcsCommandError extends Error {
  constructor(
    readonly code: number,
    readonly command: string,
  ) {
    super(`PI GCS error ${code} (${piGcsErrorMessage(code)}) on command '${command}'`);
    this.name = 'PiGcsCommandError';
  }
}
