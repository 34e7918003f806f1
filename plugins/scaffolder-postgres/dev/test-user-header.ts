/** The header the tests' test-users sign-in reads: the catalog user to sign in as. */
export const TEST_USER_HEADER = 'x-postgres-gitops-test-user';
