// Where the sequencer takes its Bench type from: the bench of drivers/bench (E2). One line, so the step
// contract names the real object steps drive and nothing in sequences/ redeclares it.
export type { Bench } from '../drivers/bench/bench.ts';
