import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import { ConfigReader } from '@backstage/config';
import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import scaffolderPostgresModule from '../../../src/alpha';

/** DEMO ONLY: guest sign-in, which the demo backend allows because it runs in development. */
const guestSignIn = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => props => <SignInPage {...props} providers={['guest']} title="postgres-gitops demo" /> },
    }),
  ],
});

/** The backend's address and the platform settings, as app-config would give them (written by the dev server). */
declare const __APP_CONFIG__: Record<string, unknown>;

const app = createApp({
  features: [catalogPlugin, scaffolderPlugin, scaffolderPostgresModule, guestSignIn],
  advanced: {
    configLoader: async () => ({ config: ConfigReader.fromConfigs([{ context: 'app', data: __APP_CONFIG__ }]) }),
  },
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
