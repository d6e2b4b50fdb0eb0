// Runs the test instrument server in its own process (for the benchmark, so the server does not share an
// event loop with the client being measured). Prints `listening <port>` and serves until stdin closes.
import { ScriptedInstrument } from './scripted-instrument.ts';
import { TestInstrumentServer } from './test-instrument-server.ts';

const instrument = new ScriptedInstrument()
  .on(':MEAS:POW?', '+1.23400000E-03')
  .on(':SENS1:CHAN1:POW:WAV?', '+1.55000000E-06');
const server = await TestInstrumentServer.start({ instrument });
process.stdout.write(`listening ${server.port}\n`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
