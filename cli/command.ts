/** One benchctl subcommand. `run` returns the process exit code (0 ok, 1 a limit failed, 2 error). */
export interface CliCommand {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}
