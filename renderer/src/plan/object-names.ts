/** Names of every object the renderer can produce for a database, from one place. */
export interface ObjectNames {
  base: string;
  secret: string;
  internalSecret: string;
  passwordGenerator: string;
  config: string;
  scripts: string;
  connection: string;
  service: string;
  headless: string;
  statefulSet: string;
  readStatefulSet: string;
  readHeadless: string;
  replicasService: string;
  readDisruptionBudget: string;
  backup: string;
  exporter: string;
  metricsService: string;
  monitor: string;
  tlsCertificate: string;
  tlsSecret: string;
  networkPolicy: string;
  exporterNetworkPolicy: string;
  dataVolumeTemplate: string;
}

export function objectNames(name: string): ObjectNames {
  const base = `${name}-postgresql`;
  return {
    base,
    secret: `${base}-secret`,
    internalSecret: `${base}-internal`,
    passwordGenerator: `${base}-password`,
    config: `${base}-config`,
    scripts: `${base}-scripts`,
    connection: `${base}-connection`,
    service: base,
    headless: `${base}-headless`,
    statefulSet: base,
    readStatefulSet: `${base}-read`,
    readHeadless: `${base}-read-headless`,
    replicasService: `${base}-replicas`,
    readDisruptionBudget: `${base}-read`,
    backup: `${base}-backup`,
    exporter: `${base}-exporter`,
    metricsService: `${base}-metrics`,
    monitor: base,
    tlsCertificate: `${base}-tls`,
    tlsSecret: `${base}-tls`,
    networkPolicy: base,
    exporterNetworkPolicy: `${base}-exporter`,
    dataVolumeTemplate: 'data',
  };
}
