// `--where "power_dBm > -25"`: a tiny grammar — measurement name, comparison, number — with clauses joined
// by `and`. It yields data, never SQL text: the query layer binds the name and the number as parameters.
export type Comparison = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface MeasurementCondition {
  name: string;
  op: Comparison;
  value: number;
}

export class WhereSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhereSyntaxError';
  }
}

const EXPECTED = 'expected "<measurement> <comparison> <number>" (comparison one of < <= > >= = !=), e.g. "power_dBm > -25"';
const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(<=|>=|==|!=|<>|<|>|=)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;

function clause(text: string, whole: string): MeasurementCondition {
  const m = CLAUSE.exec(text);
  if (!m) {
    const t = text.trim();
    const why = t === '' ? 'an empty condition'
      : !/^[A-Za-z_]/.test(t) ? `'${t}' does not start with a measurement name`
        : !/(<|>|=|!)/.test(t) ? `'${t}' has no comparison`
          : `'${t}' does not end in a plain number (units are the measurement's own, in its name)`;
    throw new WhereSyntaxError(`--where '${whole}': ${why}; ${EXPECTED}`);
  }
  const op = m[2] === '==' ? '=' : m[2] === '<>' ? '!=' : (m[2] as Comparison);
  const value = Number(m[3]);
  if (!Number.isFinite(value)) throw new WhereSyntaxError(`--where '${whole}': ${m[3]} is not a finite number; ${EXPECTED}`);
  return { name: m[1] as string, op, value };
}

/** Parses one or more conditions joined by `and` (any case); throws WhereSyntaxError saying what is wrong. */
export function parseWhere(text: string): MeasurementCondition[] {
  if (text.trim() === '') throw new WhereSyntaxError(`--where: an empty condition; ${EXPECTED}`);
  return text.split(/\s+and\s+/i).map((part) => clause(part, text.trim()));
}
