import { mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AccessControl } from '../access/authorize';

/**
 * Access control whose policy allows everything, for the action tests that are about rendering
 * and publishing; who may do what is tested against a real backend, real sign-in and the real
 * policy in test/access.test.ts.
 */
export function allowingAccess(catalog: CatalogService = catalogServiceMock()): AccessControl {
  return new AccessControl({
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    userInfo: mockServices.userInfo(),
    auth: mockServices.auth(),
    catalog,
    permissionEnabled: true,
  });
}
