#!/usr/bin/env node
// Builds the demo frontend: build-app.mjs [backend URL] [app URL] [output directory] (default
// http://localhost:7007, http://localhost:3000, .demo/app).
import { build } from 'vite';

// A production build whatever the caller's environment says (jest sets NODE_ENV=test, which
// would compile JSX for React's development runtime against its production build).
process.env.NODE_ENV = 'production';
import appConfig from './app/vite.config.mjs';

const backend = process.argv[2] ?? 'http://localhost:7007';
const app = process.argv[3] ?? 'http://localhost:3000';
const outDir = process.argv[4];
const config = appConfig({
    appConfig: {
      app: { baseUrl: app, title: 'postgres-gitops (demo)' },
      backend: { baseUrl: backend },
      postgresGitops: { platform: { backstage: { baseUrl: app } } },
    },
  });
await build({ configFile: false, ...config, build: { ...config.build, ...(outDir ? { outDir } : {}) } });
