import type { AuthService, BackstageCredentials, UserInfoService } from '@backstage/backend-plugin-api';

/** Who started the task, as Backstage knows them: a signed-in user with what they own, or a service. */
export interface Requester {
  credentials: BackstageCredentials;
  kind: 'user' | 'service' | 'none';
  /** user:default/jane, the service's subject (plugin:..., external:...), or "nobody". */
  ref: string;
  /** The user and the groups they belong to, as sign-in put them in their token; lower case. */
  ownership: string[];
}

/** Entity refs compare without case in Backstage. */
export const sameRef = (a: string, b: string) => a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** The task's initiator, read from their credentials through Backstage's auth and user-info services. */
export async function requesterOf(credentials: BackstageCredentials, services: { auth: AuthService; userInfo: UserInfoService }): Promise<Requester> {
  if (services.auth.isPrincipal(credentials, 'user')) {
    const info = await services.userInfo.getUserInfo(credentials);
    const ownership = [...new Set([info.userEntityRef, ...info.ownershipEntityRefs].map(r => r.toLocaleLowerCase('en-US')))];
    return { credentials, kind: 'user', ref: info.userEntityRef, ownership };
  }
  if (services.auth.isPrincipal(credentials, 'service')) return { credentials, kind: 'service', ref: credentials.principal.subject, ownership: [] };
  return { credentials, kind: 'none', ref: 'nobody (no credentials)', ownership: [] };
}
