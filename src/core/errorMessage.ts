// The one way an unknown thrown value becomes text for a person or a log line.

/** An Error's message; anything else thrown (a string, a number) as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
