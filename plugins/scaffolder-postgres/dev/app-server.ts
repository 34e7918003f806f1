import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json' };

/**
 * Serves the built demo frontend (.demo/app) on localhost: files as they are, and index.html
 * for every other path, since the app routes in the browser (/create, /catalog, ...).
 */
export async function serveApp(root: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`no frontend built in ${root}: run node plugins/scaffolder-postgres-react/dev/build-app.mjs`);
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://localhost:${port}`, stop: () => new Promise(resolve => server.close(() => resolve())) };
}
