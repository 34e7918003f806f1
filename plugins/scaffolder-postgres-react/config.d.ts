export interface Config {
  postgresGitops?: {
    /**
     * The platform settings the backend module renders with; the PostgresPreview field reads
     * them too, so the preview in the browser is what the pull request will hold. They name
     * issuers, registries and namespaces, never a credential.
     * @deepVisibility frontend
     */
    platform?: { [key: string]: unknown };
  };
}
