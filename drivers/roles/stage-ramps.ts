// Controllers that keep the deceleration apart from the acceleration (ESP301 `AG`, PI GCS `DEC`) get both
// set to one value, so every move stays the symmetric trapezoid a fly scan rebuilds positions from. A
// controller with a single ramp for both (or a simulator of one) refuses the deceleration command with its
// "unknown command" error; that refusal is taken as the answer, once, and from then on only the
// acceleration is sent. Any other refusal (a value beyond the controller's maximum) is the caller's.
import { InstrumentError } from '../errors.ts';

export class RampSetter {
  /** undefined until the controller has accepted or refused a deceleration command. */
  private separate: boolean | undefined;

  constructor(private readonly unknownCommandCode: number) {}

  /** Whether the controller keeps a separate deceleration; undefined until known. */
  get separateDeceleration(): boolean | undefined {
    return this.separate;
  }

  async set(setAcceleration: () => Promise<void>, setDeceleration: () => Promise<void>): Promise<void> {
    await setAcceleration();
    if (this.separate === false) return;
    try {
      await setDeceleration();
      this.separate = true;
    } catch (err) {
      if (this.separate === true || !isUnknownCommand(err, this.unknownCommandCode)) throw err;
      this.separate = false;
    }
  }
}

function isUnknownCommand(err: unknown, code: number): boolean {
  return err instanceof InstrumentError && err.errors.length > 0 && err.errors.every((e) => e.code === code);
}
