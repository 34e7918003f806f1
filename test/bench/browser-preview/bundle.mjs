#!/usr/bin/env node
// Bundles entry.tsx (the preview panel and the renderer) for the browser as the demo frontend
// bundles them, with Vite in production mode: bundle.mjs <output directory> writes bench.js.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

process.env.NODE_ENV = 'production';
const repo = fileURLToPath(new URL('../../../', import.meta.url));

await build({
  configFile: false,
  logLevel: 'warn',
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production'), global: 'globalThis' },
  resolve: { alias: { '@postgres-gitops/renderer': `${repo}renderer/src/index.ts` } },
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: process.argv[2],
    emptyOutDir: true,
    reportCompressedSize: false,
    lib: { entry: fileURLToPath(new URL('entry.tsx', import.meta.url)), formats: ['iife'], name: 'previewBenchBundle', fileName: () => 'bench.js' },
  },
});
