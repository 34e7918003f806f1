/** Where the statefulset engine's pods mount their ConfigMaps. */
export const CONFIG_DIR = '/etc/postgresql';
export const SCRIPTS_DIR = '/scripts';
