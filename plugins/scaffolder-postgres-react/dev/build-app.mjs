#!/usr/bin/env node
// Builds the demo frontend into .demo/app, for the backend's address given as the first argument.
import { build } from 'vite';
import appConfig from './app/vite.config.mjs';

const backend = process.argv[2] ?? 'http://localhost:7007';
const app = process.argv[3] ?? 'http://localhost:3000';
await build({
  configFile: false,
  ...appConfig({
    appConfig: {
      app: { baseUrl: app, title: 'postgres-gitops (demo)' },
      backend: { baseUrl: backend },
      postgresGitops: { platform: { backstage: { baseUrl: app } } },
    },
  }),
});
