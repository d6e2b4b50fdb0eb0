// Serves a ScriptedInstrument over any byte stream (TCP socket, in-process duplex, serial pty end):
// program messages are cut at the input terminator and executed strictly in order, like a real instrument,
// so a late answer also delays every answer after it.
import type { Duplex } from 'node:stream';
import type { AnswerSpec, ScriptedInstrument } from './scripted-instrument.ts';

export interface StreamFraming {
  /** Ends each program message the instrument receives; default '\n'. */
  input?: string;
  /** Appended to each reply; default '\n'. */
  output?: string;
}

export function serveStream(stream: Duplex, instrument: ScriptedInstrument, framing: StreamFraming = {}): void {
  const input = framing.input ?? '\n';
  const output = Buffer.from(framing.output ?? '\n', 'latin1');
  let pending = '';
  const messages: string[] = [];
  let busy = false;
  let dead = false;

  const send = (a: AnswerSpec): void => {
    if (a.reply !== undefined) {
      const body = typeof a.reply === 'string' ? Buffer.from(a.reply, 'latin1') : a.reply;
      stream.write(a.terminate === false ? body : Buffer.concat([body, output]));
    }
    if (a.then === 'close') {
      dead = true;
      stream.end();
    } else if (a.then === 'reset') {
      dead = true;
      const socket = stream as Duplex & { resetAndDestroy?: () => void };
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else stream.destroy();
    }
  };

  const drain = (): void => {
    while (!dead && messages.length > 0) {
      const a = instrument.handle(messages.shift() as string);
      if (a.delay_ms) {
        busy = true;
        setTimeout(() => {
          busy = false;
          if (!stream.destroyed) send(a);
          drain();
        }, a.delay_ms);
        return;
      }
      send(a);
    }
  };

  stream.on('data', (chunk: Buffer) => {
    if (dead) return;
    pending += chunk.toString('latin1');
    let at = pending.indexOf(input);
    if (at < 0) return;
    let from = 0;
    while (at >= 0) {
      messages.push(pending.slice(from, at));
      from = at + input.length;
      at = pending.indexOf(input, from);
    }
    pending = pending.slice(from);
    if (!busy) drain();
  });
  stream.on('close', () => {
    dead = true;
  });
  // A client that goes away mid-reply is routine here, not a failure of the test server.
  stream.on('error', () => undefined);
}
