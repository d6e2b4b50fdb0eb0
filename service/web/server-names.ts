// The names a browser-mode server answers as (its Host and Origin checks), from the address it listens on:
// loopback answers as 127.0.0.1 and localhost; a lab address as itself; a wildcard (0.0.0.0, ::) as this
// machine's host name and every address of its interfaces. `--name` adds DNS names on top.
import { hostname, networkInterfaces } from 'node:os';
import { isLoopback, LOOPBACK_NAMES } from './guard.ts';

/** Listening beyond loopback without TLS: refused, saying why. */
export class InsecureBindError extends Error {
  override name = 'InsecureBindError';

  constructor(host: string) {
    super(`--host ${host} without TLS is refused: beyond loopback the login code, the session cookie and every call and reading would cross the network in clear text, ` +
      'readable and forgeable by anyone on it; add --tls self-signed, or --tls-cert FILE --tls-key FILE');
  }
}

export function serverNames(host: string, extra: readonly string[]): string[] {
  const names: string[] = [];
  if (host === '0.0.0.0' || host === '::') {
    names.push(...LOOPBACK_NAMES, hostname());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.push(i.address);
  } else if (isLoopback(host)) {
    names.push(...LOOPBACK_NAMES, host);
  } else {
    names.push(host);
  }
  return [...new Set([...names, ...extra].map((n) => n.toLowerCase()))];
}
