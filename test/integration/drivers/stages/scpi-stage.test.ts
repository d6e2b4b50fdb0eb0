// The SCPI motion controller driver against the simulator, in-process and over TCP.
import { stageSuite } from './stage-suite.ts';

stageSuite({ driver: 'scpi-stage', simRole: 'stage', links: ['in-process', 'tcp'], maxima: { velocity: true, acceleration: true } });
