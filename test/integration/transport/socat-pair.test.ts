import { access, readlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SocatMissingError, openSocatPair } from '../../helpers/socat-pair.ts';

describe('openSocatPair (test helper)', () => {
  it('links two ptys and removes everything on close', async () => {
    const pair = await openSocatPair();
    try {
      expect(await readlink(pair.a)).toMatch(/^\/dev\/pts\/\d+$/);
      expect(await readlink(pair.b)).toMatch(/^\/dev\/pts\/\d+$/);
      expect(await readlink(pair.a)).not.toBe(await readlink(pair.b));
    } finally {
      await pair.close();
    }
    await expect(access(pair.dir)).rejects.toThrow(/ENOENT/);
    await pair.close();
  });

  it('fails with a clear message, not a skip, when socat is missing', async () => {
    const err = await openSocatPair({ socat: 'socat-not-installed-here' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SocatMissingError);
    expect((err as Error).message).toMatch(/socat is not installed.*apt-get install -y socat/);
  });
});
