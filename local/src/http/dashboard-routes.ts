/**
 * The dashboard on the local HTTP port: `GET /` (the page), `GET /assets/{file}` (its script,
 * stylesheet and source maps) and `GET /config.json` (empty: everything is on this origin).
 *
 * The files come from memory. At the first request the dashboard's TypeScript is bundled with
 * esbuild (about 50 ms), so `npx geqo up` on a fresh clone serves it with no build step and
 * always serves the sources it runs with. Where esbuild cannot be loaded (an install without
 * dev dependencies), the files of `dashboard/dist/` (`npm run build -w dashboard`) are served
 * instead. Only names of that in-memory set are ever answered, so no path reaches the disk.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@geqo/shared/ports';
import { HttpError, type RouteContext, type Router } from './router.ts';

/** The dashboard's files by path under the site root (`index.html`, `assets/app.js`, …). */
export type DashboardFiles = ReadonlyMap<string, Uint8Array>;

export interface DashboardRoutesOptions {
  logger?: Logger;
  /** Where the files come from; by default the in-memory bundle, else `dashboard/dist/`. */
  load?: () => Promise<DashboardFiles>;
  /**
   * A folder of radar images the operator placed (`GEQO_RADAR_DIR`): `GET /radar/<map>.png`
   * serves `<map>.png` from it (and `<map>_lower.png` for a lower level). Valve's images are not
   * shipped; without the folder the replay draws its calibrated frame alone.
   */
  radarDir?: string | null;
}

/** A radar image's name: a map name and `.png`, nothing that could leave the folder. */
const RADAR_FILE = /^[a-z0-9_]{1,64}\.png$/;

const DIST_DIR = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The page may load only its own files and talk only to this origin (and its WebSocket). */
const PAGE_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** The files of `dashboard/dist/`, as built by `npm run build -w dashboard`. */
export async function readDashboardDist(distDir = DIST_DIR): Promise<DashboardFiles> {
  const files = new Map<string, Uint8Array>();
  const names = await readdir(distDir, { recursive: true, withFileTypes: true });
  for (const entry of names) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(distDir.length).split('\\').join('/').replace(/^\/+/, ''), await readFile(path));
  }
  if (!files.has('index.html')) throw new Error(`${distDir} has no index.html`);
  return files;
}

/** The bundle made now from the dashboard's sources, or `dist/` when esbuild is not installed. */
async function loadDashboard(logger: Logger | undefined): Promise<DashboardFiles> {
  const started = Date.now();
  try {
    const { bundleDashboard } = await import('@geqo/dashboard/bundle');
    const files = await bundleDashboard();
    logger?.info('dashboard bundled', { files: files.size, ms: Date.now() - started });
    return files;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Only a missing bundler falls back; a broken source must be seen, not hidden behind old files.
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    const files = await readDashboardDist();
    logger?.info('dashboard served from dist/', { files: files.size });
    return files;
  }
}

interface ServedFile {
  body: Uint8Array;
  contentType: string;
  etag: string;
}

/** The dashboard's routes, for `ApiDeps.extraRoutes`. */
export function dashboardRoutes(options: DashboardRoutesOptions = {}): (router: Router) => void {
  const load = options.load ?? (() => loadDashboard(options.logger));
  let served: Promise<Map<string, ServedFile>> | null = null;
  const files = (): Promise<Map<string, ServedFile>> => {
    if (served) return served;
    const loading = load().then(
      (loaded) =>
        new Map(
          [...loaded].map(([name, body]) => [
            name,
            {
              body,
              contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
              etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
            },
          ]),
        ),
    );
    served = loading;
    // A failed load is tried again at the next request (the fix may be one save away).
    loading.catch(() => {
      if (served === loading) served = null;
    });
    return loading;
  };

  const send = async ({ request, response }: RouteContext, name: string): Promise<void> => {
    let all: Map<string, ServedFile>;
    try {
      all = await files();
    } catch (error) {
      options.logger?.error('dashboard unavailable', { error: String(error) });
      throw new HttpError(
        503,
        'DASHBOARD_UNAVAILABLE',
        'the dashboard could not be bundled: run `npm run build -w dashboard` and see the log',
      );
    }
    const file = all.get(name);
    if (!file) throw new HttpError(404, 'NOT_FOUND', `no dashboard file ${name}`);
    const headers: Record<string, string> = {
      'Content-Type': file.contentType,
      // Revalidate each time: a restarted runtime may serve a new bundle under the same name.
      'Cache-Control': 'no-cache',
      ETag: file.etag,
      'X-Content-Type-Options': 'nosniff',
    };
    if (name === 'index.html') {
      headers['Content-Security-Policy'] = PAGE_POLICY;
      headers['Referrer-Policy'] = 'no-referrer';
    }
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Length': String(file.body.byteLength) });
    response.end(file.body);
  };

  return (router) => {
    router.on('GET', '/', (context) => send(context, 'index.html'));
    router.on('GET', '/index.html', (context) => send(context, 'index.html'));
    // `file` is one path segment, looked up by exact name: `..` or an encoded `/` finds nothing.
    router.on('GET', '/assets/:file', (context) => send(context, `assets/${context.params.file}`));
    router.on('GET', '/radar/:file', async ({ response, params }) => {
      const file = params.file ?? '';
      if (file === 'index.json') {
        // Which images there are, so the page asks for those only (a 404 is a console error).
        const names = options.radarDir
          ? (await readdir(options.radarDir).catch(() => [] as string[])).filter((name) =>
              RADAR_FILE.test(name),
            )
          : [];
        response.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
        response.end(JSON.stringify({ images: names.sort() }));
        return;
      }
      if (!options.radarDir || !RADAR_FILE.test(file))
        throw new HttpError(404, 'NOT_FOUND', `no radar image ${file}`);
      let body: Buffer;
      try {
        body = await readFile(join(options.radarDir, file));
      } catch {
        throw new HttpError(404, 'NOT_FOUND', `no radar image ${file} in the radar folder`);
      }
      response.writeHead(200, {
        'Content-Type': 'image/png',
        'Cache-Control': 'max-age=3600',
        'X-Content-Type-Options': 'nosniff',
        'Content-Length': String(body.byteLength),
      });
      response.end(body);
    });
    router.on('GET', '/config.json', ({ response }) => {
      response.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-cache',
      });
      response.end('{}');
    });
  };
}
