// Splits an IEEE 488.2 / SCPI program message into commands: `;` chains, the leading-colon (path) rule,
// headers, and parameters (numbers, character data, quoted strings, blocks, expressions).
import { scanBlock } from './block.ts';
import { ScpiError, ScpiErrorCode } from './errors.ts';

export interface ProgramCommand {
  /** Resolved header without leading colon, e.g. 'SENS1:CHAN1:POW:WAV' or '*IDN'. */
  header: string;
  /** ['SENS1','CHAN1','POW','WAV'] (as sent, case preserved); ['*IDN'] for common commands. */
  nodes: string[];
  /** IEEE 488.2 common command (*XXX). */
  common: boolean;
  query: boolean;
  /** Parameter tokens, whitespace-trimmed; quoted strings keep their quotes; a block is kept whole (latin1). */
  params: string[];
  /** The command as written, for error messages. */
  text: string;
}

/** IEEE 488.2 limits a program mnemonic to 12 characters (its numeric suffix not counted). */
export const MAX_MNEMONIC_LENGTH = 12;

const SEMI = 0x3b;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

function isSpace(c: number): boolean {
  // 488.2 white space: the controls other than LF (which terminates the message), and space.
  return c === 0x20 || c === 0x09 || c === CR || (c <= 0x1f && c !== LF);
}

/** True when position i starts the message terminator: a final `\n` or `\r\n`. */
function atTerminator(msg: string, i: number): boolean {
  const c = msg.charCodeAt(i);
  if (c === LF) return i === msg.length - 1;
  return c === CR && i === msg.length - 2 && msg.charCodeAt(i + 1) === LF;
}

function excerpt(msg: string, from: number, to = msg.length): string {
  const s = msg.slice(from, to).replace(/\r?\n$/, '');
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

class Parser {
  private i = 0;
  constructor(private readonly msg: string) {}

  private get done(): boolean {
    return this.i >= this.msg.length || atTerminator(this.msg, this.i);
  }

  private skipSpace(): void {
    while (this.i < this.msg.length && isSpace(this.msg.charCodeAt(this.i)) && !atTerminator(this.msg, this.i)) this.i++;
  }

  parse(): ProgramCommand[] {
    const out: ProgramCommand[] = [];
    let path: string[] = [];
    this.skipSpace();
    if (this.done) return out;
    for (;;) {
      const start = this.i;
      const unit = this.parseUnit(start, path);
      if (!unit.common) {
        // Relative commands that follow resolve against this command's path minus its last node.
        path = unit.nodes.slice(0, -1);
      }
      out.push(unit);
      this.skipSpace();
      if (this.done) return out;
      // parseUnit stops only at ';' or the end.
      this.i++;
      this.skipSpace();
      if (this.done) return out; // a trailing ';' is tolerated
      if (this.msg.charCodeAt(this.i) === SEMI) {
        throw new ScpiError(ScpiErrorCode.SyntaxError, `empty command between ';' in '${excerpt(this.msg, 0)}'`);
      }
    }
  }

  private parseUnit(start: number, path: string[]): ProgramCommand {
    const header = this.parseHeader();
    const params: string[] = [];
    const afterHeader = this.i;
    this.skipSpace();
    if (!this.done && this.msg.charCodeAt(this.i) !== SEMI) {
      if (this.msg.charCodeAt(this.i) === LF) {
        throw new ScpiError(ScpiErrorCode.SyntaxError, `newline inside the program message after '${header.raw}'; send one message per line`);
      }
      if (this.i === afterHeader) {
        const ch = this.msg[this.i] ?? '';
        const code = isPrintable(ch) ? ScpiErrorCode.HeaderSeparatorError : ScpiErrorCode.InvalidCharacter;
        throw new ScpiError(code, `'${printable(ch)}' after header '${header.raw}'; expected a space before parameters`);
      }
      for (;;) {
        params.push(this.parseParam(header.raw));
        this.skipSpace();
        if (this.done || this.msg.charCodeAt(this.i) === SEMI) break;
        if (this.msg.charCodeAt(this.i) !== COMMA) {
          throw new ScpiError(ScpiErrorCode.InvalidSeparator, `'${printable(this.msg[this.i] ?? '')}' after parameter in '${excerpt(this.msg, start, this.i + 1)}'; expected ',' or ';'`);
        }
        this.i++;
        this.skipSpace();
      }
    }
    const text = excerpt(this.msg, start, this.i).trim();
    let nodes = header.nodes;
    if (!header.common && !header.rooted && path.length > 0) nodes = path.concat(nodes);
    return { header: nodes.join(':'), nodes, common: header.common, query: header.query, params, text };
  }

  private parseHeader(): { nodes: string[]; common: boolean; query: boolean; rooted: boolean; raw: string } {
    const msg = this.msg;
    const start = this.i;
    let i = start;
    while (i < msg.length && isHeaderChar(msg.charCodeAt(i))) i++;
    const raw = msg.slice(start, i);
    this.i = i;
    if (raw === '') {
      const ch = msg[start] ?? '';
      const code = isPrintable(ch) ? ScpiErrorCode.CommandHeaderError : ScpiErrorCode.InvalidCharacter;
      throw new ScpiError(code, `expected a command header at '${excerpt(msg, start)}'`);
    }
    let body = raw;
    const query = body.endsWith('?');
    if (query) body = body.slice(0, -1);
    if (body.includes('?')) throw new ScpiError(ScpiErrorCode.SyntaxError, `'?' inside header '${raw}'; it may only end it`);
    const common = body.startsWith('*');
    if (common) {
      const name = body.slice(1);
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
        throw new ScpiError(ScpiErrorCode.CommandHeaderError, `common command '${raw}' must be '*' followed by a mnemonic`);
      }
      checkLength(name, raw);
      return { nodes: [body], common: true, query, rooted: true, raw };
    }
    if (body.includes('*')) throw new ScpiError(ScpiErrorCode.CommandHeaderError, `'*' inside header '${raw}'`);
    const rooted = body.startsWith(':');
    const nodes = (rooted ? body.slice(1) : body).split(':');
    for (const node of nodes) {
      if (node === '') throw new ScpiError(ScpiErrorCode.SyntaxError, `empty mnemonic in header '${raw}'`);
      if (!/^[A-Za-z]/.test(node)) {
        throw new ScpiError(ScpiErrorCode.CommandHeaderError, `mnemonic '${node}' in header '${raw}' must start with a letter`);
      }
      checkLength(node, raw);
    }
    return { nodes, common: false, query, rooted, raw };
  }

  private parseParam(header: string): string {
    const msg = this.msg;
    const start = this.i;
    const c = msg.charCodeAt(start);
    if (c === COMMA || c === SEMI || this.done) {
      throw new ScpiError(ScpiErrorCode.SyntaxError, `empty parameter in '${excerpt(msg, 0)}' (header '${header}')`);
    }
    if (c === 0x22 || c === 0x27) return this.parseQuoted(c);
    if (c === 0x23 && /[0-9]/.test(msg[start + 1] ?? '')) return this.parseBlock(header);
    if (c === 0x28) return this.parseExpression();
    // Character/numeric data (including `#H1F`, `1550 NM`): up to the next separator.
    let i = start;
    while (i < msg.length && !atTerminator(msg, i)) {
      const d = msg.charCodeAt(i);
      if (d === COMMA || d === SEMI || d === 0x22 || d === 0x27 || d === LF) break;
      i++;
    }
    if (i < msg.length && msg.charCodeAt(i) === LF && !atTerminator(msg, i)) {
      throw new ScpiError(ScpiErrorCode.SyntaxError, `newline inside the program message after '${excerpt(msg, start, i)}'; send one message per line`);
    }
    this.i = i;
    return msg.slice(start, i).trim();
  }

  private parseQuoted(quote: number): string {
    const msg = this.msg;
    const start = this.i;
    let i = start + 1;
    for (;;) {
      const j = msg.indexOf(String.fromCharCode(quote), i);
      if (j < 0) throw new ScpiError(ScpiErrorCode.InvalidStringData, `unterminated string ${excerpt(msg, start)}`);
      if (msg.charCodeAt(j + 1) === quote) {
        i = j + 2; // doubled quote: an escaped one
        continue;
      }
      this.i = j + 1;
      return msg.slice(start, j + 1);
    }
  }

  private parseBlock(header: string): string {
    const msg = this.msg;
    const start = this.i;
    if (msg[start + 1] === '0') {
      // Indefinite block: its bytes run to the message's end (the LF that ends it is the terminator).
      let end = msg.length;
      if (msg.charCodeAt(end - 1) === LF) end--;
      this.i = msg.length;
      return msg.slice(start, end);
    }
    const scan = scanBlock(Buffer.from(msg.slice(start), 'latin1'));
    if (scan.status === 'invalid') throw new ScpiError(ScpiErrorCode.InvalidBlockData, `${scan.reason} in block parameter of '${header}'`);
    if (scan.status === 'incomplete') {
      const digits = msg.charCodeAt(start + 1) - 0x30;
      const lengthField = msg.slice(start + 2, start + 2 + digits);
      if (lengthField.length < digits) {
        throw new ScpiError(ScpiErrorCode.InvalidBlockData,
          `block parameter of '${header}' is cut short in its ${digits}-digit length field '${lengthField}'`);
      }
      const announced = Number(lengthField);
      const present = Math.max(0, msg.length - start - 2 - digits);
      throw new ScpiError(ScpiErrorCode.InvalidBlockData,
        `block parameter of '${header}' announces ${announced} bytes but only ${present} follow`);
    }
    const end = start + scan.end;
    this.i = end;
    return msg.slice(start, end);
  }

  private parseExpression(): string {
    // SCPI expressions and channel lists: `(@1,2:4)`; commas inside do not separate parameters.
    const msg = this.msg;
    const start = this.i;
    let depth = 0;
    for (let i = start; i < msg.length; i++) {
      const c = msg.charCodeAt(i);
      if (c === 0x22 || c === 0x27) {
        this.i = i;
        this.parseQuoted(c);
        i = this.i - 1;
      } else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) {
        this.i = i + 1;
        return msg.slice(start, i + 1);
      } else if (c === LF || c === SEMI) break;
    }
    throw new ScpiError(ScpiErrorCode.InvalidExpression, `unbalanced parentheses in '${excerpt(msg, start)}'`);
  }
}

function isHeaderChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x3a || c === 0x2a || c === 0x3f;
}

function isPrintable(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c > 0x20 && c < 0x7f;
}

function printable(ch: string): string {
  return isPrintable(ch) ? ch : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

function checkLength(mnemonic: string, raw: string): void {
  const name = mnemonic.replace(/[0-9]+$/, '');
  if (name.length > MAX_MNEMONIC_LENGTH) {
    throw new ScpiError(ScpiErrorCode.ProgramMnemonicTooLong, `'${mnemonic}' in '${raw}' has ${name.length} characters; at most ${MAX_MNEMONIC_LENGTH}`);
  }
}

/** Parses one program message (a trailing `\n` or `\r\n` is allowed). An empty message yields []. */
export function parseProgramMessage(message: string): ProgramCommand[] {
  return new Parser(message).parse();
}
