export interface Config {
  /** postgres-gitops: where databases are requested, and how they render. */
  postgresGitops?: {
    /**
     * The platform settings every database renders with, unless the state store has its own
     * platform.yaml. Checked again at startup against the renderer's schema, whose errors name
     * the field and the rule (see the README's platform settings).
     */
    platform?: {
      /** Registry (and path) that replaces docker.io and quay.io in every image, for mirrors. */
      imageRegistry?: string;
      /** Pull secrets added to every pod. */
      imagePullSecrets?: string[];
      /** Issuer of the TLS certificates. */
      certIssuer?: { kind?: 'ClusterIssuer' | 'Issuer'; name?: string };
      /** Where Prometheus runs, and the labels its ServiceMonitor selector wants. */
      prometheus?: { namespace?: string; serviceMonitorLabels?: { [label: string]: string } };
      /** Render the Namespace object (with the restricted Pod Security labels). */
      createNamespace?: boolean;
      /** Worker cluster of a request that names none. */
      defaultCluster?: string;
      /** Namespaces no database may run in or admit, besides kube-system, kube-public and kube-node-lease. */
      reservedNamespaces?: string[];
      /** DNS domain of the worker clusters. */
      clusterDomain?: string;
      /** Where database passwords come from. */
      credentials?: { source?: 'external-secrets' | 'existing-secret' };
      /** Engines requests may ask for, and each profile's default. */
      engines?: {
        allowed?: Array<'statefulset' | 'cloudnative-pg' | 'shared-server'>;
        default?: { dev?: 'statefulset' | 'cloudnative-pg'; staging?: 'statefulset' | 'cloudnative-pg'; prod?: 'statefulset' | 'cloudnative-pg' };
      };
      /** CloudNativePG: the operator's namespace, the backups' object store, server certificates. */
      cloudnativePg?: {
        operatorNamespace?: string;
        /** Names the Secrets that hold the object store's credentials; never the credentials themselves. */
        objectStore?: { [key: string]: unknown };
        certificates?: 'operator' | 'cert-manager';
        /** Restore drills: the image whose kubectl the runner copies (pin it by digest), and how long a drill may run. */
        restoreDrill?: { kubectlImage?: string; timeoutMinutes?: number };
        /** Flavour of the CloudNativePG operand images ("system" is deprecated). */
        imageFlavour?: 'standard-trixie' | 'minimal-trixie' | 'standard-bookworm' | 'minimal-bookworm';
      };
      /** PostgreSQL releases: the newest minor per major ("17": "17.10"), above the renderer's list. */
      postgres?: { newestMinor?: { [major: string]: string } };
      /** Flux: the namespace of each database's Kustomization, the state store's GitRepository, and the add-ons' Kustomizations by API group. */
      flux?: { namespace?: string; sourceName?: string; dependsOn?: { [apiGroup: string]: string } };
      /** Who may do what: platform groups, namespace owners, shared servers' tenant groups, and GitHub names for CODEOWNERS (entity refs such as group:default/team-a). */
      access?: {
        platformGroups?: string[];
        namespaces?: { [namespace: string]: string[] };
        sharedServers?: { [server: string]: string[] };
        github?: { org?: string; owners?: { [entityRef: string]: string } };
      };
      /** The worker clusters' StorageClasses allow volume expansion: statefulset volumes grow in place (default true). */
      volumeExpansion?: boolean;
      /** Where the Backstage app runs, for links from a database's catalog page to its day-two forms. */
      backstage?: { baseUrl?: string };
      /** Where state-store files can be browsed, for catalog links. */
      stateStore?: { browseUrl?: string };
    };
    /** The GitOps state store pull requests go to. */
    stateStore?: {
      /**
       * github.com?owner=o&repo=r, or any git remote URL (https://, ssh://, file://). A remote URL
       * may carry credentials (https://user:token@host/...), so it is kept from the frontend and
       * from logs.
       * @visibility secret
       */
      repoUrl?: string;
      /**
       * Further state stores the actions may write to (exact URLs); repoUrl is always allowed.
       * @visibility secret
       */
      allowedRepoUrls?: string[];
      /** Branch pull requests target (default main). */
      targetBranch?: string;
    };
    /** The commit author of pull requests (default: the integration's identity). */
    git?: { author?: { name: string; email: string } };
    github?: {
      /** Stay within GitHub's secondary rate limits (default true). */
      paceWrites?: boolean;
    };
  };
}
