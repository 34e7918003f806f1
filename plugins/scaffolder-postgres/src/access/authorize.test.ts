import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { platformSettingsSchema } from '@postgres-gitops/renderer';
import { AccessControl } from './authorize';
import { postgresDatabaseUpdatePermission } from './permissions';

/**
 * The rule the actions apply when Backstage's permission framework is off (its permissions
 * service then allows every request): without it, an app that never enabled the framework would
 * let anyone change any database. Backstage's own test services and catalog mock; the policy
 * path is tested on the real backend (test/access.test.ts).
 */
const LEDGER = 'resource:default/ledger-team-a-worker-1';
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'ledger-team-a-worker-1', namespace: 'default' },
  spec: { type: 'database', owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};
const access = platformSettingsSchema.parse({ access: { platformGroups: ['group:default/platform-team'], namespaces: { 'team-a': ['group:default/team-a'] } } }).access;

function control(user: string, groups: string[], options: { permissionEnabled?: boolean; policy?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {}) {
  const services = {
    permissions: options.policy ? mockServices.permissions({ result: options.policy }) : mockServices.permissions(),
    userInfo: mockServices.userInfo({ userEntityRef: user, ownershipEntityRefs: [user, ...groups] }),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: [entity as never] }),
    permissionEnabled: options.permissionEnabled ?? false,
  };
  const ac = new AccessControl(services);
  return { ac, requester: () => ac.requester(mockCredentials.user(user)) };
}

const onLedger = async (user: string, groups: string[], options?: Parameters<typeof control>[2], storedOwner = 'group:default/team-a') => {
  const { ac, requester } = control(user, groups, options);
  return ac.onDatabase(await requester(), postgresDatabaseUpdatePermission, { what: 'the database', entityRef: LEDGER }, access, storedOwner);
};

describe('with the permission framework off, the actions apply the ownership rule themselves', () => {
  it('allows a member of the owning group and a platform group, naming how they relate', async () => {
    expect((await onLedger('user:default/jane', ['group:default/team-a'])).relation).toEqual({ kind: 'member', group: 'group:default/team-a' });
    expect((await onLedger('user:default/sam', ['group:default/platform-team'])).relation).toEqual({ kind: 'platform', group: 'group:default/platform-team' });
  });

  it('refuses anyone else, naming the rule and the owner', async () => {
    await expect(onLedger('user:default/bob', ['group:default/team-b'])).rejects.toThrow(
      `postgres.database.update: refused: the database ${LEDGER} is owned by group:default/team-a; user:default/bob is not that owner, not a member of it, nor in a platform group (access.platformGroups: group:default/platform-team). Nothing was written`,
    );
  });

  it('refuses when the catalog and the state store disagree on the owner, even for the catalog\'s owner', async () => {
    await expect(onLedger('user:default/jane', ['group:default/team-a'], {}, 'group:default/team-b')).rejects.toThrow(
      'its request.yaml in the state store says group:default/team-b; until they agree no owner can be trusted',
    );
  });

  it('with the framework on, the policy decides: a denying policy refuses even the owner, an allowing one lets others in', async () => {
    await expect(onLedger('user:default/jane', ['group:default/team-a'], { permissionEnabled: true, policy: AuthorizeResult.DENY })).rejects.toThrow(
      `postgres.database.update: refused: the database ${LEDGER}: user:default/jane is a member of group:default/team-a, its owner, but the permission policy denies it`,
    );
    expect((await onLedger('user:default/bob', ['group:default/team-b'], { permissionEnabled: true, policy: AuthorizeResult.ALLOW })).relation).toEqual({ kind: 'policy' });
  });
});

describe('namespaces', () => {
  it('the owning groups and platform groups may create in a mapped namespace; an unmapped one is the platform\'s', async () => {
    const jane = control('user:default/jane', ['group:default/team-a']);
    expect(jane.ac.inNamespace(await jane.requester(), 'team-a', access).relation).toEqual({ kind: 'member', group: 'group:default/team-a' });
    const bob = control('user:default/bob', ['group:default/team-b']);
    const bobRequester = await bob.requester();
    expect(() => bob.ac.inNamespace(bobRequester, 'team-a', access)).toThrow('namespace: refused: namespace "team-a" is owned by group:default/team-a (access.namespaces)');
    expect(() => bob.ac.inNamespace(bobRequester, 'team-z', access)).toThrow('namespace: refused: namespace "team-z" has no owner in the platform settings (access.namespaces maps team-a)');
    const open = platformSettingsSchema.parse({}).access;
    expect(bob.ac.inNamespace(bobRequester, 'team-z', open).relation).toEqual({ kind: 'open' });
  });
});
