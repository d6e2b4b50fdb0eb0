// Auto-detection by identity: each stage driver claims the controllers it speaks to and nothing else —
// not the other simulated instruments, not another stage dialect, not motion controllers of other makers
// (a driver that claimed those would send them commands they read differently).
import { describe, expect, it } from 'vitest';
import { DRIVERS } from '../../../../drivers/bench/registry.ts';
import { BERT_IDENTITY } from '../../../../sim/instruments/bert.ts';
import { KEYSIGHT_LASER_IDENTITY } from '../../../../sim/instruments/laser-keysight.ts';
import { SANTEC_IDENTITY } from '../../../../sim/instruments/laser-santec.ts';
import { METER_IDENTITY } from '../../../../sim/instruments/meter-keysight.ts';
import { ESP301_IDENTITY } from '../../../../sim/instruments/stage-esp301.ts';
import { PI_GCS_IDENTITY } from '../../../../sim/instruments/stage-pi-gcs.ts';
import { SCPI_STAGE_IDENTITY } from '../../../../sim/instruments/stage-scpi.ts';
import { VOA_IDENTITY } from '../../../../sim/instruments/voa-keysight.ts';

const claimedBy = (identity: string): string[] => DRIVERS.filter((d) => d.matchesIdentity(identity)).map((d) => d.name);
const STAGE_DRIVERS = new Set(DRIVERS.filter((d) => d.kind === 'stage').map((d) => d.name));
const stageClaims = (identity: string): string[] => claimedBy(identity).filter((n) => STAGE_DRIVERS.has(n));

describe('stage drivers and identities', () => {
  it('every simulated instrument is claimed by exactly its own driver', () => {
    expect(claimedBy(SCPI_STAGE_IDENTITY)).toEqual(['scpi-stage']);
    expect(claimedBy(ESP301_IDENTITY)).toEqual(['newport-esp301']);
    expect(claimedBy(PI_GCS_IDENTITY)).toEqual(['pi-gcs']);
    for (const identity of [METER_IDENTITY, KEYSIGHT_LASER_IDENTITY, SANTEC_IDENTITY, VOA_IDENTITY, BERT_IDENTITY]) {
      expect(stageClaims(identity), identity).toEqual([]);
      expect(claimedBy(identity), identity).toHaveLength(1);
    }
  });

  it('no stage driver claims motion controllers it does not speak to', () => {
    for (const identity of [
      'Newport Corporation,XPS-Q8 Motion Controller,12345,XPS-Q8 4.2.0',
      'Newport,SMC100 Motion Controller,1,2.0',
      'Thorlabs,BSC203 Stage Controller,70000001,1.0',
      'Aerotech,Ensemble Motion Controller,1,5.0',
      'Zaber Technologies,X-MCC3 Stage Controller,1,7.3',
      'Standa,8SMC5-USB Motion Controller,1,4.2',
      'ACME,Linear Stage,1,1',
      'ESP300 Version 3.08 09/09/97',
    ]) {
      const claims = stageClaims(identity);
      // The ESP300 speaks the ESP301's dialect; nothing else here is spoken to.
      expect(claims, identity).toEqual(identity.startsWith('ESP300') ? ['newport-esp301'] : []);
    }
  });
});
