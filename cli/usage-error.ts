/** A mistake in what the user typed; printed with the command's usage and exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
