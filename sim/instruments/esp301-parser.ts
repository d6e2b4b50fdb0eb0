// The ESP301's command syntax: `[xx]AA[?][nn[,nn…]]` — an optional axis number, a two-letter mnemonic
// (case-insensitive), `?` for a query, then parameters; several commands on a line separated by `;`,
// spaces ignored around them (e.g. `1PA5.0;2PA3.5`, `1MO; 2MO`, `1TP?;2TP?`, `TB?`).

export interface Esp301Command {
  /** The axis number written before the mnemonic, or null when none was. */
  readonly axis: number | null;
  /** Upper-cased two-letter mnemonic; '' when the text is not a command at all. */
  readonly mnemonic: string;
  readonly query: boolean;
  readonly params: readonly string[];
  /** The command as written, for error reports. */
  readonly text: string;
}

const COMMAND = /^(\d*)\s*([A-Za-z]{2})\s*(\?)?\s*(.*)$/s;

/** Splits one line into its commands (empty pieces between `;` are skipped). */
export function parseEsp301Line(line: string): Esp301Command[] {
  const out: Esp301Command[] = [];
  for (const piece of line.split(';')) {
    const text = piece.trim();
    if (text === '') continue;
    const m = COMMAND.exec(text);
    if (!m) {
      out.push({ axis: null, mnemonic: '', query: false, params: [], text });
      continue;
    }
    const [, axisText = '', mnemonic = '', q, rest = ''] = m;
    const restTrimmed = rest.trim();
    out.push({
      axis: axisText === '' ? null : Number(axisText),
      mnemonic: mnemonic.toUpperCase(),
      query: q === '?',
      params: restTrimmed === '' ? [] : restTrimmed.split(',').map((p) => p.trim()),
      text,
    });
  }
  return out;
}
