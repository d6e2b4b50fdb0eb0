// The views and their hash routes (#/bench, #/sequence, #/results, #/wafer, #/history).
export type ViewName = 'bench' | 'sequence' | 'results' | 'wafer' | 'history';

export const VIEWS: readonly { name: ViewName; label: string }[] = [
  { name: 'bench', label: 'Bench' },
  { name: 'sequence', label: 'Sequence' },
  { name: 'results', label: 'Results' },
  { name: 'wafer', label: 'Wafer' },
  { name: 'history', label: 'History' },
];

export function viewFromHash(hash: string): ViewName {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return VIEWS.find((v) => v.name === name)?.name ?? 'bench';
}
