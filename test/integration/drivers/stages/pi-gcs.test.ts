// The PI GCS driver against the simulator, in-process and over TCP.
import { PI_GCS_DECELERATION, stageSuite } from './stage-suite.ts';

stageSuite({ driver: 'pi-gcs', simRole: 'stage-pi', links: ['in-process', 'tcp'], deceleration: PI_GCS_DECELERATION, maxima: { velocity: true, acceleration: true } });
