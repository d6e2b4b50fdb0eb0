// The scpi-bert driver's PAM4 line coding and KP4 FEC analysis, replayed from the dialogue the simulated
// PAM4 BERT holds (this project's own tree, drivers/README.md "scpi-bert"): one chained query per reading.
import { describe, expect, it } from 'vitest';
import { ReplyFormatError } from '../../../../drivers/errors.ts';
import { scpiBertDescriptor } from '../../../../drivers/instruments/scpi-bert.ts';
import type { ScpiBert } from '../../../../drivers/instruments/scpi-bert.ts';
import type { BertLineCoding } from '../../../../drivers/roles/bert.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'BENCHSIM,SIM-BERT,SIM00003,1.0.0'];
const FEC = ':FETC:SENS1:BITS?;:FETC:SENS1:ERR?;:FETC:SENS1:FEC:COD?;:FETC:SENS1:FEC:SYMB?;:FETC:SENS1:FEC:UNC?;:FETC:SENS1:FEC:HIST?;:SENS1:SYNC?;:FETC:SENS1:PSL?';
// A 10.6 ms gate at 106.25 Gb/s and BER 1.4e-3, as the simulated PAM4 BERT answered it.
const HIST = '76,691,2749,7175,13718,21008,27126,30105,28847,24616,19116,13199,8447,4876,2795,1347,1159';
const REPLY = `+1.12635625E+09;1602313;207050;1593223;1159;${HIST};1;0`;

function bert(session: ScpiSession): Promise<ScpiBert> {
  return scpiBertDescriptor.create({ session, role: 'bert-pam4', options: {} });
}

describe('scpi-bert: PAM4 and the KP4 FEC analysis', () => {
  it('sets and reads the line coding, and says it offers NRZ and PAM4', async () => {
    await expectProtocol([IDN, [':SOUR1:COD PAM4', null], NO_ERROR, [':SOUR1:COD?', 'PAM4']], async (s) => {
      const b = await bert(s);
      expect(b.lineCodings).toEqual(['NRZ', 'PAM4']);
      await b.setLineCoding('PAM4');
      expect(await b.lineCoding()).toBe('PAM4');
    });
  });

  it('reads counts, codewords, symbol errors, uncorrectable codewords and the histogram in one round trip', async () => {
    await expectProtocol([IDN, [FEC, REPLY]], async (s) => {
      const f = await (await bert(s)).fecResults();
      expect(f).toEqual({
        bits: 1126356250, errors: 1602313, codewords: 207050, symbolErrors: 1593223, uncorrectable: 1159,
        histogram: HIST.split(',').map(Number), sync: true, syncLost: false,
      });
    });
  });

  it('refuses a coding it does not know before sending, and replies that do not add up', async () => {
    await expectProtocol([IDN,
      [FEC, REPLY.replace(`${HIST}`, HIST.split(',').slice(0, 16).join(','))],
      [FEC, REPLY.replace('207050', '207051')],
      [FEC, REPLY.replace(';1159;', ';1158;')],
    ], async (s) => {
      const b = await bert(s);
      await expect(b.setLineCoding('PAM8' as BertLineCoding)).rejects.toThrow(/lineCoding.*"PAM8".*NRZ, PAM4/);
      await expect(b.fecResults()).rejects.toThrow(/17 comma-separated codeword counts/);
      await expect(b.fecResults()).rejects.toThrow(ReplyFormatError);
      await expect(b.fecResults()).rejects.toThrow(/histogram that sums to the codeword count, its last bin the uncorrectable count/);
    });
  });
});
