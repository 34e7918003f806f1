"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.redact = redact;
exports.redactError = redactError;
/** Removes credentials from text that may reach a log, an error or a PR: tokens, and URL user-info. */
function redact(text, secrets = []) {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(:[^/@\s]*)?@/gi, '$1***@');
    for (const secret of secrets) {
        if (secret && secret.length >= 4)
            out = out.split(secret).join('***');
    }
    return out;
}
/** The same error with its message (and stack) redacted; the original is never rethrown. */
function redactError(error, secrets = []) {
    const message = redact(error instanceof Error ? error.message : String(error), secrets);
    const clean = new Error(message);
    clean.name = error instanceof Error ? error.name : 'Error';
    return clean;
}
