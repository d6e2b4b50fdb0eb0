// Sequences for the Sequence view: the library folder's files, and loading one (from the library, a path,
// or uploaded text) with parameter overrides into a validated plan with its ETA — checked against the
// open bench's ranges and soft limits when a bench is open, or against what a bench file declares.
// Problems come back as located issues, naming a file as the caller named it.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadBenchFile } from '../drivers/bench/index.ts';
import { benchInfoFromConfig } from '../sequences/bench-info.ts';
import { loadAndPlan } from '../sequences/plan/all-issues.ts';
import type { PlanOptions, ScriptPolicy } from '../sequences/plan/build-plan.ts';
import { checkInsideRoots, PathOutsideRootsError } from '../sequences/plan/path-roots.ts';
import type { Plan } from '../sequences/plan/plan-types.ts';
import type { RunConfig } from '../sequences/records/journal.ts';
import { SequenceError } from '../sequences/schema/errors.ts';
import { loadSequenceFile, loadSequenceText } from '../sequences/schema/load.ts';
import type { BenchInfo } from '../sequences/step.ts';
import type { MapPolicy } from '../sequences/wafer/map-path.ts';
import type { SequenceEntry, SequenceInfo, SequenceLoadResult, SequenceSource } from './run-types.ts';

export interface SequenceLibraryOptions {
  /** Folder of library sequences (*.yaml). */
  libraryDir: string;
  /** Relative paths resolve against this. */
  cwd: string;
  /**
   * Folders a named path (a sequence file, a bench file, a wafer map) may be read from, besides the library
   * (of which maps come only from its maps/ folder).
   * Default: `cwd`; 'any' for the CLI. A path outside them is refused naming it and them, before anything is read.
   */
  roots?: readonly string[] | 'any';
  /**
   * Folders `script` steps may load modules from, besides the library; 'any' lets a named sequence file's
   * scripts load from anywhere (the CLI, whose user named the file at the shell). Default: none besides
   * the library. Uploaded sequences (text) never run scripts.
   */
  scriptRoots?: readonly string[] | 'any';
}

/** A plan ready to run, or the issues that keep it from running. */
export type PreparedSequence = { ok: true; plan: Plan; info: SequenceInfo } | { ok: false; result: Extract<SequenceLoadResult, { ok: false }> };

export class SequenceLibrary {
  readonly libraryDir: string;
  /** Where named paths may be read from (the library first); null: anywhere. */
  private roots: string[] | null;
  private readonly cwd: string;
  private readonly scripts: ScriptPolicy;
  private readonly scriptRoots: readonly string[];

  constructor(opts: SequenceLibraryOptions) {
    this.libraryDir = resolve(opts.libraryDir);
    this.cwd = resolve(opts.cwd);
    this.roots = opts.roots === 'any' ? null : unique([this.libraryDir, ...(opts.roots ?? [this.cwd]).map((r) => resolve(this.cwd, r))]);
    const scriptRoots = Array.isArray(opts.scriptRoots) ? opts.scriptRoots : [];
    this.scriptRoots = unique([this.libraryDir, ...scriptRoots.map((r) => resolve(this.cwd, r))]);
    this.scripts = opts.scriptRoots === 'any' ? { kind: 'any' } : { kind: 'roots', roots: this.scriptRoots };
  }

  /** Adds a folder named paths may be read from (one the operator picked in a native file dialog). */
  allowFolder(dir: string): void {
    if (this.roots !== null) this.roots = unique([...this.roots, resolve(this.cwd, dir)]);
  }

  /**
   * Where a sequence's wafer maps may be read from: the library's maps folder and the other folders named
   * paths may be read from (a map is data to read, like a sequence file). Null: anywhere (the CLI).
   */
  private mapRoots(): string[] | null {
    return this.roots === null ? null : unique([join(this.libraryDir, 'maps'), ...this.roots.filter((r) => r !== this.libraryDir)]);
  }

  /** A named path resolved against cwd, refused (PathOutsideRootsError) unless inside a configured root. */
  resolveNamed(what: string, path: string): string {
    const abs = resolve(this.cwd, path);
    return this.roots === null ? abs : checkInsideRoots(what, abs, this.roots);
  }

  async list(): Promise<SequenceEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.libraryDir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return Promise.all(names.map(async (n) => {
      const path = join(this.libraryDir, n);
      return { name: basename(n, extname(n)), path, description: await describe(path) };
    }));
  }

  /** Loads, validates and plans; `bench` (an open bench's, or a bench file's) adds the range and soft-limit checks. */
  async prepare(source: SequenceSource, bench: BenchInfo | null): Promise<PreparedSequence> {
    const set = Object.entries(source.set ?? {}).map(([k, v]) => `${k}=${v}`);
    let path = source.kind === 'file' ? source.path : source.name;
    try {
      path = this.pathOf(source);
      const file = path;
      const { scripts, maps } = this.policies(source);
      const plan = await loadAndPlan(() => (source.kind === 'text'
        ? loadSequenceText(source.name, source.text, { set, baseDir: this.cwd })
        : loadSequenceFile(file, { set })), { ...(bench ? { bench } : {}), scripts, maps });
      return { ok: true, plan, info: sequenceInfo(path, plan, bench) };
    } catch (err) {
      if (!(err instanceof SequenceError)) throw err;
      // A path is resolved against cwd to be read; messages name it as the caller gave it.
      const named = source.kind === 'file' ? source.path : path;
      const issues = err.issues.map((i) => ({ ...i, file: i.file === path ? named : i.file }));
      return { ok: false, result: { ok: false, path, issues } };
    }
  }

  async load(source: SequenceSource, bench: BenchInfo | null): Promise<SequenceLoadResult> {
    const p = await this.prepare(source, bench);
    return p.ok ? { ok: true, sequence: p.info } : p.result;
  }

  /** What a bench file declares (soft limits, declared ranges), without opening its instruments; throws BenchFileError. */
  async benchFileInfo(file: string): Promise<BenchInfo> {
    return benchInfoFromConfig(await loadBenchFile(this.resolveNamed('bench file', file)));
  }

  /**
   * The rules an interrupted run's plan is rebuilt under when the service continues it: the ones it was
   * started under, so a map (or module) swapped for a link out of the allowed folders since is refused.
   * A run of uploaded text journals the name it was sent under (a file's path is absolute).
   */
  resumePolicies(config: Pick<RunConfig, 'sequenceFile' | 'runId'>): Pick<PlanOptions, 'scripts' | 'maps'> {
    const name = config.sequenceFile;
    const source: SequenceSource = isAbsolute(name) ? { kind: 'file', path: name } : { kind: 'text', name, text: '' };
    const p = this.policies(source);
    const reason = `a run the service resumes (${config.runId}, ${source.kind === 'text' ? `sent as text as ${name}` : name})`;
    return {
      scripts: p.scripts.kind === 'refused' ? { ...p.scripts, reason } : p.scripts,
      maps: p.maps.kind === 'roots' ? { ...p.maps, reason } : p.maps,
    };
  }

  private policies(source: SequenceSource): { scripts: ScriptPolicy; maps: MapPolicy } {
    const scripts: ScriptPolicy = source.kind === 'text'
      ? { kind: 'refused', reason: `an uploaded sequence (${source.name}, sent as text)`, roots: this.scriptRoots }
      : this.scripts;
    return { scripts, maps: this.mapPolicy(source) };
  }

  /**
   * An uploaded sequence's relative map is looked up in the service's folder, then the library's (so a
   * library sequence's text, uploaded and edited, finds its maps/...); a file's, relative to the file.
   */
  private mapPolicy(source: SequenceSource): MapPolicy {
    const roots = this.mapRoots();
    if (roots === null) return { kind: 'any' };
    return source.kind === 'text'
      ? { kind: 'roots', roots, lookIn: [this.cwd, this.libraryDir], reason: `an uploaded sequence (${source.name}, sent as text)` }
      : { kind: 'roots', roots, reason: `a sequence loaded by the service (${source.kind === 'file' ? source.path : source.name})` };
  }

  private pathOf(source: SequenceSource): string {
    switch (source.kind) {
      case 'library':
        // A library name is a file name, never a path out of the library.
        if (!/^[A-Za-z0-9._-]+$/.test(source.name) || source.name.startsWith('.')) {
          throw new SequenceError([{ file: source.name, line: 0, col: 0, field: '(library name)', message: 'expected a library sequence name such as align (letters, digits, . _ -)' }]);
        }
        return join(this.libraryDir, /\.ya?ml$/i.test(source.name) ? source.name : `${source.name}.yaml`);
      case 'file':
        try {
          return this.resolveNamed('sequence file', source.path);
        } catch (err) {
          if (!(err instanceof PathOutsideRootsError)) throw err;
          throw new SequenceError([{ file: source.path, line: 0, col: 0, field: '(file)', message: err.message }]);
        }
      case 'text':
        return source.name;
    }
  }
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

function sequenceInfo(path: string, plan: Plan, bench: BenchInfo | null): SequenceInfo {
  const seq = plan.sequence;
  return {
    path,
    name: seq.doc.name,
    description: seq.doc.description ?? null,
    metadata: toJson(seq.metadata) as Record<string, unknown>,
    parameters: [...seq.parameters.values()].map((p) => ({
      name: p.name, kind: p.kind, value: toJson(p.value), description: p.description ?? null, overridden: p.overridden,
    })),
    steps: plan.steps.map((s) => ({
      stepId: s.stepId, kind: s.kind, estimate_s: s.estimate_s, loop: toJson(s.loop) as Record<string, unknown>,
      tables: s.tables.map((t) => ({ name: t.name, columns: [...t.columns] })),
    })),
    limits: plan.limits.map((l) => ({
      label: l.label, measurement: l.measurement, unit: l.unit, stepIds: [...l.stepIds],
      ...(l.min !== undefined ? { min: l.min } : {}), ...(l.max !== undefined ? { max: l.max } : {}),
    })),
    estimate_s: plan.estimate_s,
    benchChecked: bench !== null,
    ...(bench ? { benchName: bench.name } : {}),
  };
}

/** A deep copy that JSON (and structured clone) can carry: no functions, no Maps, no non-finite numbers. */
function toJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null)) as unknown;
}

/** The sequence's `description:` (or null): a library list should not fail on one broken file. */
async function describe(path: string): Promise<string | null> {
  try {
    const doc = parseYaml(await readFile(path, 'utf8')) as unknown;
    const d = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['description'] : undefined;
    return typeof d === 'string' ? d.trim() : null;
  } catch {
    return null;
  }
}
