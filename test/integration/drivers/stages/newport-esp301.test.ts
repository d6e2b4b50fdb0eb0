// The ESP301 driver against the simulator, in-process, over TCP (as through a serial device server) and
// over a real serial pty.
import { ESP301_DECELERATION, stageSuite } from './stage-suite.ts';

stageSuite({ driver: 'newport-esp301', simRole: 'stage-esp', links: ['in-process', 'tcp', 'pty'], deceleration: ESP301_DECELERATION, maxima: { velocity: true, acceleration: false } });
