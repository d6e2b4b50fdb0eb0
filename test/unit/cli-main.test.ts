import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';

describe('benchctl main', () => {
  it('refuses an unknown command, naming it and the known ones', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['frobnicate']);
    expect(code).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/unknown command 'frobnicate'.*start/);
    err.mockRestore();
  });
  it('prints usage with exit code 2 when no command is given', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main([])).toBe(2);
    expect(String(out.mock.calls[0]?.[0])).toMatch(/Usage: benchctl <command>/);
    out.mockRestore();
  });
});
