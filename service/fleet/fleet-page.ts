// The fleet dashboard: /fleet (HTML, refreshed every 2 s without scripts, so the strict CSP stays) and
// /fleet.json. Each bench links to its own UI; a lost one is marked LOST with the age of its last beat.
import type { ServerResponse } from 'node:http';
import type { FleetRow } from './fleet-table.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function status(b: FleetRow): string {
  if (b.stopped) return 'stopped';
  if (b.lost) return `LOST (last beat ${b.age_s.toFixed(0)} s ago)`;
  return 'live';
}

export function fleetHtml(rows: readonly FleetRow[], error: string | null): string {
  const body = rows.map((b) => `<tr data-bench="${esc(b.bench)}" data-status="${b.stopped ? 'stopped' : b.lost ? 'lost' : 'live'}"${b.lost ? ' style="background:#fdd"' : ''}>
<td><a href="${esc(b.url)}">${esc(b.bench)}</a></td><td>${esc(status(b))}</td><td>${esc(b.run ?? '—')}</td><td>${esc(b.phase)}</td>
<td>${esc(b.step ?? '—')}</td><td>${(b.progress * 100).toFixed(0)} %</td><td>${esc(b.lastVerdict ?? '—')}</td>
<td${b.laser === 'on' ? ' style="color:#c00;font-weight:bold"' : ''}>${esc(b.laser)}</td></tr>`).join('\n');
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>benchctl — the lab's benches</title>
<body style="font-family:sans-serif;margin:2em">
<h1>Benches</h1>${error ? `<p role="alert">lab database: ${esc(error)}</p>` : ''}
<table data-testid="fleet" border="1" cellpadding="4" style="border-collapse:collapse">
<thead><tr><th>bench</th><th>status</th><th>run</th><th>phase</th><th>step</th><th>progress</th><th>last verdict</th><th>laser</th></tr></thead>
<tbody>${body || '<tr><td colspan="8">no bench has published yet</td></tr>'}</tbody></table></body>`;
}

export function sendFleet(res: ServerResponse, path: string, rows: readonly FleetRow[], error: string | null, headers: Record<string, string>): void {
  if (path === '/fleet.json') {
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify({ benches: rows, error }));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(fleetHtml(rows, error));
}
