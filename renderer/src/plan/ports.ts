export const POSTGRES_PORT = 5432;
export const METRICS_PORT = 9187;
