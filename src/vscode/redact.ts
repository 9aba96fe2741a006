// Secrets never reach the log or the diagnostics: Authorization values and PAT-shaped tokens.
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(authorization\s*[:=]\s*)(basic|bearer)\s+\S+/gi, '$1$2 ***');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
