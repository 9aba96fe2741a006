// Exit codes of `ado-sync`, as scripts and pipelines read them.
export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The run went through but at least one item failed. */
  itemFailed: 1,
  /** Usage, configuration or authentication error: nothing was attempted. */
  usage: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is meant for the user as it is, with the exit code to end on. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode: ExitCodeValue = ExitCode.usage) {
    super(message);
  }
}
