import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { authProvidersExtensionPoint, createProxyAuthenticator, createProxyAuthProviderFactory } from '@backstage/plugin-auth-node';
import { TEST_USER_HEADER } from './test-user-header';

/**
 * TESTS ONLY: an auth provider ("test-users") that signs in as the catalog user a request names
 * in a header, through the auth backend's own catalog sign-in (signInWithCatalogUser): the token
 * it issues holds the user and the groups the catalog says they belong to, as a real sign-in's
 * does. Never part of `npm run demo` or `npm start`; a real app signs in through its IdP.
 */
export const testSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'postgres-gitops-test-users',
  register(env) {
    env.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'test-users',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const user = req.header(TEST_USER_HEADER);
                if (!user) throw new InputError(`${TEST_USER_HEADER}: required`);
                return { result: { user } };
              },
            }),
            signInResolver: async ({ result }, ctx) => ctx.signInWithCatalogUser({ entityRef: result.user }),
          }),
        });
      },
    });
  },
});
