// Manual control of the BERT: pattern, line rate, generator output, gate, and its counts. Like the other
// manual calls: refused while a run owns the bench, failures recorded against the role.
import type { BenchInstrument } from '../drivers/bench/index.ts';
import type { Bert } from '../drivers/roles/bert.ts';
import type { RoleRequest } from './bench-api.ts';
import type { BertSettings, BertState } from './bench-types.ts';
import type { BenchHolder } from './bench-holder.ts';
import { finiteOrNull } from './json-numbers.ts';

type BertInstrument = BenchInstrument & { driver: Bert };

export class BertControl {
  private readonly holder: BenchHolder;

  constructor(holder: BenchHolder) {
    this.holder = holder;
  }

  async bertState(req?: RoleRequest): Promise<BertState> {
    const inst = this.bert(req?.role, 'bertState');
    return this.holder.call(inst, 'bertState', () => readBert(inst));
  }

  async setBert(req: BertSettings): Promise<BertState> {
    const inst = this.bert(req.role, 'setBert');
    const bert = inst.driver;
    return this.holder.call(inst, 'setBert', async () => {
      if (req.pattern !== undefined) await bert.setPattern(req.pattern);
      if (req.lineRate_Gbps !== undefined) await bert.setLineRate_Gbps(req.lineRate_Gbps);
      if (req.gate !== undefined) await bert.setGate(req.gate);
      if (req.output !== undefined) await bert.setOutput(req.output);
      return readBert(inst);
    });
  }

  async startBertGate(req?: RoleRequest): Promise<BertState> {
    const inst = this.bert(req?.role, 'startBertGate');
    return this.holder.call(inst, 'startBertGate', async () => {
      await inst.driver.startGate();
      return readBert(inst);
    });
  }

  async stopBertGate(req?: RoleRequest): Promise<BertState> {
    const inst = this.bert(req?.role, 'stopBertGate');
    return this.holder.call(inst, 'stopBertGate', async () => {
      await inst.driver.stopGate();
      return readBert(inst);
    });
  }

  private bert(role: string | undefined, op: string): BertInstrument {
    return this.holder.roleOf(this.holder.requireIdle(op), 'bert', role, op) as BertInstrument;
  }
}

async function readBert(inst: BertInstrument): Promise<BertState> {
  const bert = inst.driver;
  const r = await bert.results();
  return {
    role: inst.role,
    pattern: await bert.pattern(),
    lineRate_Gbps: await bert.lineRate_Gbps(),
    output: await bert.output(),
    gate: await bert.gate(),
    running: await bert.gateRunning(),
    results: { bits: r.bits, errors: r.errors, ber: r.bits > 0 ? finiteOrNull(r.ber) : null, sync: r.sync },
  };
}
