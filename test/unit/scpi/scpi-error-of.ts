// Runs fn and returns the ScpiError it throws, so tests can assert the SCPI code and the detail.
import { ScpiError } from '../../../drivers/scpi/index.ts';

export function scpiErrorOf(fn: () => unknown): ScpiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScpiError) return e;
    throw e;
  }
  throw new Error('expected a ScpiError, but nothing was thrown');
}
