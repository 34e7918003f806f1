import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The demo frontend: Backstage's new frontend system (catalog, scaffolder, this field) bundled
 * with Vite. The renderer comes from its TypeScript sources, as in the backend's tests.
 */
export default ({ appConfig = {} } = {}) => ({
  root: here,
  mode: 'production',
  logLevel: 'warn',
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
    global: 'globalThis',
    __APP_CONFIG__: JSON.stringify(appConfig),
  },
  resolve: { alias: { '@postgres-gitops/renderer': `${repo}renderer/src/index.ts` } },
  build: { outDir: `${repo}.demo/app`, emptyOutDir: true, chunkSizeWarningLimit: 100000, reportCompressedSize: false },
  esbuild: { jsx: 'automatic' },
});
