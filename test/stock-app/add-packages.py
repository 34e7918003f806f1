"""Adds our packed packages to a stock Backstage app the way the README tells a platform team to.

add-packages.py <app directory> <tarball directory> <new-app|legacy-app>
"""
import json
import sys
from pathlib import Path

app, tarballs, kind = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
legacy = kind == 'legacy-app'
PACKAGES = {
    '@postgres-gitops/renderer': 'renderer',
    '@postgres-gitops/publish': 'publish',
    '@postgres-gitops/cli': 'cli',
    '@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres': 'backstage-plugin-scaffolder-backend-module-postgres',
    '@postgres-gitops/backstage-plugin-scaffolder-postgres-react': 'backstage-plugin-scaffolder-postgres-react',
}
spec = {name: f'file:{tarballs}/postgres-gitops-{file}-0.1.0.tgz' for name, file in PACKAGES.items()}
BACKEND = '@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres'
FIELD = '@postgres-gitops/backstage-plugin-scaffolder-postgres-react'


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2) + '\n')


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        raise SystemExit(f'{path}: the stock app changed; cannot find {old!r}')
    path.write_text(text.replace(old, new, 1))


# Unpublished workspace versions resolve to the tarballs; better-sqlite3 13 as the README advises
# (yarn reads `resolutions`, not npm's `overrides`).
edit_json(app / 'package.json', lambda p: p.setdefault('resolutions', {}).update({**spec, 'better-sqlite3': '^13.2.0'}))
edit_json(app / 'packages/backend/package.json', lambda p: p['dependencies'].update({BACKEND: spec[BACKEND]}))
edit_json(app / 'packages/app/package.json', lambda p: p['dependencies'].update(
    {FIELD: spec[FIELD], **({'@backstage/plugin-scaffolder-react': '^3.0.0'} if legacy else {})}))

edit_text(app / 'packages/backend/src/index.ts',
          "backend.add(import('@backstage/plugin-scaffolder-backend'));",
          "backend.add(import('@backstage/plugin-scaffolder-backend'));\n"
          f"backend.add(\n  import('{BACKEND}'),\n);")

app_tsx = app / 'packages/app/src/App.tsx'
if legacy:
    edit_text(app_tsx, "import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';",
              "import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';\n"
              "import { ScaffolderFieldExtensions } from '@backstage/plugin-scaffolder-react';\n"
              f"import {{ PostgresPreviewFieldExtension }} from '{FIELD}';")
    edit_text(app_tsx, '    <Route path="/create" element={<ScaffolderPage />} />',
              '    <Route path="/create" element={<ScaffolderPage />}>\n'
              '      <ScaffolderFieldExtensions>\n'
              '        <PostgresPreviewFieldExtension />\n'
              '      </ScaffolderFieldExtensions>\n'
              '    </Route>')
else:
    edit_text(app_tsx, "import { homeModule } from './modules/home';",
              "import { homeModule } from './modules/home';\n"
              f"import scaffolderPostgresModule from '{FIELD}/alpha';")
    edit_text(app_tsx, 'features: [catalogPlugin, navModule, homeModule],',
              'features: [catalogPlugin, navModule, homeModule, scaffolderPostgresModule],')
