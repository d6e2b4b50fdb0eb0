// What a fit refused with, as `<reason>: <message>`, so a test can match both at once; 'no error' when it
// did not throw. Anything other than a FitError fails the test.
import { expect } from 'vitest';
import { FitError } from '../../../../models/fits/fit-error.ts';

export function fitRefusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FitError);
    return `${(e as FitError).reason}: ${(e as FitError).message}`;
  }
  return 'no error';
}
