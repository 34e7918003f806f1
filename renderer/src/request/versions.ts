/**
 * The newest PostgreSQL minor release this renderer knows per major. A new database is pinned to
 * it (spec.minorVersion in request.yaml); an existing one moves only when asked
 * (`minorVersion: latest`, for example through `postgres-gitops fleet plan --set minorVersion=latest`).
 */
export const NEWEST_MINOR: Record<string, string> = {
  '13': '13.22',
  '14': '14.20',
  '15': '15.15',
  '16': '16.11',
  '17': '17.7',
  '18': '18.1',
};

/** The value of spec.minorVersion that asks for the newest minor of the request's major. */
export const LATEST_MINOR = 'latest';

export const MINOR_VERSION = /^(\d{2})\.(\d{1,3})$/;

/** Why a minor does not fit the major, or undefined when it does (any release up to the newest one known). */
export function minorVersionIssue(major: string, minor: string): string | undefined {
  const match = MINOR_VERSION.exec(minor);
  const newest = NEWEST_MINOR[major];
  if (!match || !newest) return `must be a release like ${newest ?? '16.11'} or "${LATEST_MINOR}"`;
  if (match[1] !== major) return `${minor} is not a release of PostgreSQL ${major} (spec.version); give ${major}.<minor> or "${LATEST_MINOR}"`;
  if (Number(match[2]) > Number(newest.split('.')[1])) return `${minor} is newer than this renderer knows (newest ${newest}); upgrade postgres-gitops first`;
  return undefined;
}

/** Compares two releases of one major: negative when a is older. */
export function compareMinor(a: string, b: string): number {
  return Number(a.split('.')[1]) - Number(b.split('.')[1]);
}
