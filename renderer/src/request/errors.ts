import type { ZodError } from 'zod/v3';

export interface FieldIssue {
  /** Dotted path of the offending field, like "spec.version". */
  path: string;
  message: string;
}

/** The name a flat form or action input gives a request path: spec.size is "size", metadata.name is "name". */
export function formFieldOf(path: string): string {
  return path.replace(/^(spec|metadata)\./, '');
}

/** Thrown for any invalid request; every issue names the field and the rule. */
export class RequestValidationError extends Error {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[]) {
    super(`invalid request:\n${issues.map(i => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'RequestValidationError';
    this.issues = issues;
  }

  static fromZod(error: ZodError, prefix = ''): RequestValidationError {
    return new RequestValidationError(
      error.issues.map(issue => {
        const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(request)';
        if (issue.code === 'unrecognized_keys') {
          return { path, message: `unknown field(s) ${issue.keys.map(k => `"${k}"`).join(', ')}; see the request fields in the README` };
        }
        if (issue.code === 'invalid_type' && issue.received === 'undefined') {
          return { path, message: 'is required' };
        }
        return { path, message: issue.message };
      }),
    );
  }
}
