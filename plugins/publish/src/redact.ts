/** Removes credentials from text that may reach a log, an error or a PR: tokens, and URL user-info. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(:[^/@\s]*)?@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** The same error with its message (and stack) redacted; the original is never rethrown. */
export function redactError(error: unknown, secrets: (string | undefined)[] = []): Error {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  const clean = new Error(message);
  clean.name = error instanceof Error ? error.name : 'Error';
  // Keep the class (ChangedMeanwhileError, ...) so callers can still tell a user's error from a failure.
  if (error instanceof Error) Object.setPrototypeOf(clean, Object.getPrototypeOf(error));
  return clean;
}
