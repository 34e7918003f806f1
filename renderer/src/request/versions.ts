/**
 * The newest PostgreSQL minor release per major, as this renderer ships it: the default of the
 * platform setting `postgres.newestMinor` (the state store's platform.yaml), where the platform
 * team moves it forward by pull request without a renderer release. A new database is pinned to
 * the newest (spec.minorVersion in request.yaml); an existing one moves only when asked
 * (`minorVersion: latest`, for example through `postgres-gitops fleet plan --set minorVersion=latest`).
 * 18.4: CloudNativePG v1.30.0's default image (pkg/versions/versions.go); 14 to 17: the
 * docker-library/postgres versions.json of 2026-02-26; 13 reached end of life in November 2025.
 */
export const NEWEST_MINOR: Record<string, string> = {
  '13': '13.22',
  '14': '14.22',
  '15': '15.17',
  '16': '16.13',
  '17': '17.9',
  '18': '18.4',
};

/** The value of spec.minorVersion that asks for the newest minor of the request's major. */
export const LATEST_MINOR = 'latest';

export const MINOR_VERSION = /^(\d{2})\.(\d{1,3})$/;

/** Why a minor does not fit the major, or undefined when it does (any release up to the newest one known). */
export function minorVersionIssue(major: string, minor: string, newestMinor: Record<string, string> = NEWEST_MINOR): string | undefined {
  const match = MINOR_VERSION.exec(minor);
  const newest = newestMinor[major];
  if (!match || !newest) return `must be a release like ${newest ?? '16.13'} or "${LATEST_MINOR}"`;
  if (match[1] !== major) return `${minor} is not a release of PostgreSQL ${major} (spec.version); give ${major}.<minor> or "${LATEST_MINOR}"`;
  if (Number(match[2]) > Number(newest.split('.')[1])) return `${minor} is newer than this platform knows (newest ${newest}); the platform team raises postgres.newestMinor in the state store's platform.yaml`;
  return undefined;
}

/** Compares two releases of one major: negative when a is older. */
export function compareMinor(a: string, b: string): number {
  return Number(a.split('.')[1]) - Number(b.split('.')[1]);
}
