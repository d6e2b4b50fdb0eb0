// SCPI error/event numbers (SCPI-99 vol. 2, ch. 21) and the error an instrument queues for `SYST:ERR?`.
import { ResponseFormatError } from './response.ts';

export const ScpiErrorCode = {
  NoError: 0,
  CommandError: -100,
  InvalidCharacter: -101,
  SyntaxError: -102,
  InvalidSeparator: -103,
  DataTypeError: -104,
  GetNotAllowed: -105,
  ParameterNotAllowed: -108,
  MissingParameter: -109,
  CommandHeaderError: -110,
  HeaderSeparatorError: -111,
  ProgramMnemonicTooLong: -112,
  UndefinedHeader: -113,
  HeaderSuffixOutOfRange: -114,
  UnexpectedNumberOfParameters: -115,
  NumericDataError: -120,
  InvalidCharacterInNumber: -121,
  ExponentTooLarge: -123,
  TooManyDigits: -124,
  NumericDataNotAllowed: -128,
  SuffixError: -130,
  InvalidSuffix: -131,
  SuffixTooLong: -134,
  SuffixNotAllowed: -138,
  CharacterDataError: -140,
  InvalidCharacterData: -141,
  CharacterDataTooLong: -144,
  CharacterDataNotAllowed: -148,
  StringDataError: -150,
  InvalidStringData: -151,
  StringDataNotAllowed: -158,
  BlockDataError: -160,
  InvalidBlockData: -161,
  BlockDataNotAllowed: -168,
  ExpressionError: -170,
  InvalidExpression: -171,
  ExpressionDataNotAllowed: -178,
  ExecutionError: -200,
  InvalidWhileInLocal: -201,
  TriggerError: -210,
  TriggerIgnored: -211,
  InitIgnored: -213,
  TriggerDeadlock: -214,
  ParameterError: -220,
  SettingsConflict: -221,
  DataOutOfRange: -222,
  TooMuchData: -223,
  IllegalParameterValue: -224,
  OutOfMemory: -225,
  DataCorruptOrStale: -230,
  HardwareError: -240,
  HardwareMissing: -241,
  DeviceSpecificError: -300,
  SystemError: -310,
  MemoryError: -311,
  SelfTestFailed: -330,
  CalibrationFailed: -340,
  QueueOverflow: -350,
  CommunicationError: -360,
  ParityErrorInProgramMessage: -361,
  FramingErrorInProgramMessage: -362,
  InputBufferOverrun: -363,
  TimeOutError: -365,
  QueryError: -400,
  QueryInterrupted: -410,
  QueryUnterminated: -420,
  QueryDeadlocked: -430,
  QueryUnterminatedAfterIndefiniteResponse: -440,
  PowerOn: -500,
  UserRequest: -600,
  RequestControl: -700,
  OperationComplete: -800,
} as const;

export type ScpiErrorCodeName = keyof typeof ScpiErrorCode;

const MESSAGES: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'No error'],
  [-100, 'Command error'],
  [-101, 'Invalid character'],
  [-102, 'Syntax error'],
  [-103, 'Invalid separator'],
  [-104, 'Data type error'],
  [-105, 'GET not allowed'],
  [-108, 'Parameter not allowed'],
  [-109, 'Missing parameter'],
  [-110, 'Command header error'],
  [-111, 'Header separator error'],
  [-112, 'Program mnemonic too long'],
  [-113, 'Undefined header'],
  [-114, 'Header suffix out of range'],
  [-115, 'Unexpected number of parameters'],
  [-120, 'Numeric data error'],
  [-121, 'Invalid character in number'],
  [-123, 'Exponent too large'],
  [-124, 'Too many digits'],
  [-128, 'Numeric data not allowed'],
  [-130, 'Suffix error'],
  [-131, 'Invalid suffix'],
  [-134, 'Suffix too long'],
  [-138, 'Suffix not allowed'],
  [-140, 'Character data error'],
  [-141, 'Invalid character data'],
  [-144, 'Character data too long'],
  [-148, 'Character data not allowed'],
  [-150, 'String data error'],
  [-151, 'Invalid string data'],
  [-158, 'String data not allowed'],
  [-160, 'Block data error'],
  [-161, 'Invalid block data'],
  [-168, 'Block data not allowed'],
  [-170, 'Expression error'],
  [-171, 'Invalid expression'],
  [-178, 'Expression data not allowed'],
  [-200, 'Execution error'],
  [-201, 'Invalid while in local'],
  [-210, 'Trigger error'],
  [-211, 'Trigger ignored'],
  [-213, 'Init ignored'],
  [-214, 'Trigger deadlock'],
  [-220, 'Parameter error'],
  [-221, 'Settings conflict'],
  [-222, 'Data out of range'],
  [-223, 'Too much data'],
  [-224, 'Illegal parameter value'],
  [-225, 'Out of memory'],
  [-230, 'Data corrupt or stale'],
  [-240, 'Hardware error'],
  [-241, 'Hardware missing'],
  [-300, 'Device-specific error'],
  [-310, 'System error'],
  [-311, 'Memory error'],
  [-330, 'Self-test failed'],
  [-340, 'Calibration failed'],
  [-350, 'Queue overflow'],
  [-360, 'Communication error'],
  [-361, 'Parity error in program message'],
  [-362, 'Framing error in program message'],
  [-363, 'Input buffer overrun'],
  [-365, 'Time out error'],
  [-400, 'Query error'],
  [-410, 'Query INTERRUPTED'],
  [-420, 'Query UNTERMINATED'],
  [-430, 'Query DEADLOCKED'],
  [-440, 'Query UNTERMINATED after indefinite response'],
  [-500, 'Power on'],
  [-600, 'User request'],
  [-700, 'Request control'],
  [-800, 'Operation complete'],
]);

/** The standard text for a code; codes without their own text get their class's (e.g. -119 → "Command error"). */
export function standardMessage(code: number): string {
  const exact = MESSAGES.get(code);
  if (exact !== undefined) return exact;
  if (code > 0) return 'Device-specific error';
  if (code <= -100 && code > -900) {
    // Within a class, the sub-range's ten (e.g. -125 → -120) then the class's hundred (-100).
    const ten = MESSAGES.get(Math.ceil(code / 10) * 10);
    if (ten !== undefined) return ten;
    const hundred = MESSAGES.get(Math.ceil(code / 100) * 100);
    if (hundred !== undefined) return hundred;
  }
  return 'Unknown error';
}

// SCPI caps the quoted error/event description at 255 characters.
const MAX_QUEUE_TEXT = 255;

export class ScpiError extends Error {
  readonly code: number;
  readonly detail?: string;
  constructor(code: number, detail?: string) {
    const text = standardMessage(code);
    super(detail ? `${text}; ${detail}` : text);
    this.name = 'ScpiError';
    this.code = code;
    if (detail) this.detail = detail;
  }

  /** The entry `SYST:ERR?` returns: `-113,"Undefined header;FOO:BAR"` (device-dependent info after `;`). */
  toQueueEntry(): string {
    let text = standardMessage(this.code);
    if (this.detail) text += `;${this.detail}`;
    if (text.length > MAX_QUEUE_TEXT) text = text.slice(0, MAX_QUEUE_TEXT - 3) + '...';
    return `${this.code},"${text.replace(/"/g, '""')}"`;
  }
}

const QUEUE_REPLY = /^([+-]?\d+)\s*,\s*(?:"((?:[^"]|"")*)"|([^"]*))$/;

/**
 * Parses a `SYST:ERR?` reply (`-113,"Undefined header"`, `+0,"No error"`). The message keeps any
 * device-dependent part after `;`. An unquoted message (some older instruments) is accepted too.
 */
export function parseErrorQueueReply(reply: string): { code: number; message: string } {
  const m = QUEUE_REPLY.exec(reply.trim());
  const quoted = m?.[2];
  const bare = m?.[3]?.trim();
  if (!m || (quoted === undefined && !bare)) {
    throw new ResponseFormatError(reply, 'an error queue entry <code>,"<message>" such as -113,"Undefined header"');
  }
  const code = Number(m[1]);
  const message = quoted !== undefined ? quoted.replace(/""/g, '"') : (bare ?? '');
  // "No error" belongs to code 0 alone (IEEE 488.2 / SCPI-99 21.8.8): `2,"No error"` is a reply with a
  // corrupted digit, and taking it as an instrument error would fail a step over line noise. As a format
  // error it is a garbled reply: the session resynchronises and the exchange is judged again.
  if (code !== 0 && /^no error\b/i.test(message)) {
    throw new ResponseFormatError(reply, 'an error queue entry whose code matches its message ("No error" goes only with 0)');
  }
  return { code: code === 0 ? 0 : code, message };
}
