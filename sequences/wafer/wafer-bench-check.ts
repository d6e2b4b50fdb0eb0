// A wafer loop against the bench it will run on: the map's origin and every visited site inside the stage's
// soft limits (X, Y), each problem naming the die and site, located at the loop's `wafer:` line. The Z soft
// limits are kept in the loop's plan: the run keeps each predicted height inside them.
import type { SequenceIssue } from '../schema/errors.ts';
import type { SequenceNode } from '../schema/sequence-file.ts';
import type { SourceFile } from '../schema/source.ts';
import type { BenchInfo } from '../step.ts';
import { checkMapOnStage } from './map-validate.ts';
import type { WaferLoopPlan } from './wafer-plan.ts';

export function checkWafersOnBench(source: SourceFile, nodes: readonly SequenceNode[], wafers: WaferLoopPlan[], bench: BenchInfo, issues: SequenceIssue[]): void {
  const loops = waferNodes(nodes);
  wafers.forEach((w, i) => {
    const path = [...(loops[i]?.path ?? []), 'loop', 'wafer'];
    const where = source.issue(path, '');
    const axes = bench.roles[w.stage]?.axes;
    if (!axes) {
      issues.push({ ...where, message: `the wafer loop moves stage '${w.stage}', which the bench does not have (or declares no axes)` });
      return;
    }
    if (axes.Z) w.heightLimits_um = { min_um: axes.Z.min_um, max_um: axes.Z.max_um };
    checkMapOnStage(w.map, w.sites, { ...(axes.X ? { x: axes.X } : {}), ...(axes.Y ? { y: axes.Y } : {}) }, issues, where);
  });
}

/** Wafer loop nodes in file order (the order the expansion met them, since a wafer loop cannot nest in one). */
function waferNodes(nodes: readonly SequenceNode[]): SequenceNode[] {
  return nodes.flatMap((n) => (n.type === 'loop' ? [...(n.loop.over === 'wafer' ? [n] : []), ...waferNodes(n.steps)] : []));
}
