import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './api-error.js';

/** The console's page: plain files, no build step; `npm run build` copies them next to this module in dist/. */
export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// The page loads nothing from elsewhere and runs no inline script: an injected string in an
// alarm's text or a customer's name cannot become code.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // A new arc version takes effect at the next reload.
  'cache-control': 'no-cache',
};

/**
 * The files of the console's page, by name: the ones it serves (those with a known type), read
 * once.
 */
function readWebFiles(webDir: string): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(webDir).sort()) {
    const type = CONTENT_TYPES[extname(name)];
    if (type !== undefined) files.set(name, { body: readFileSync(`${webDir}/${name}`), type });
  }
  return files;
}

/** The build of the files each registerStaticRoutes serves, by folder. */
const builds = new Map<string, string>();

function buildOf(files: Map<string, { body: Buffer }>): string {
  const hash = createHash('sha256');
  for (const [name, file] of files) hash.update(name).update(file.body);
  return hash.digest('hex').slice(0, 16);
}

/**
 * A short hash of the page's files: the live feed's `hello` carries it, and a page that finds it
 * changed on a reconnect (arc was upgraded while the tab stayed open) reloads itself, so that it
 * never runs old code against a new feed. It is the hash of the bytes this process serves (read
 * once, by registerStaticRoutes), not of the disk now: files replaced under a running arc do not
 * change what it announces. 'unknown' when the files cannot be read.
 */
export function consoleBuild(webDir = WEB_DIR): string {
  let build = builds.get(webDir);
  if (build === undefined) {
    try {
      build = buildOf(readWebFiles(webDir));
    } catch {
      build = 'unknown';
    }
    builds.set(webDir, build);
  }
  return build;
}

/**
 * The operator console's page at `/` and `/console`, its files at `/console/NAME`. Public, like
 * sign-in: the page holds no data; everything it shows comes from the API with the token.
 * The files are read once, at start: the set is fixed, and a request never touches the disk.
 */
export function registerStaticRoutes(app: FastifyInstance, webDir = WEB_DIR): void {
  const files = readWebFiles(webDir);
  builds.set(webDir, buildOf(files));
  const index = files.get('index.html');
  if (index === undefined) throw new Error(`the console's index.html is missing from ${webDir} (did the build copy src/console/web?)`);
  const send = (reply: FastifyReply, file: { body: Buffer; type: string }) => reply.headers(SECURITY_HEADERS).type(file.type).send(file.body);
  for (const path of ['/', '/console', '/console/']) app.get(path, { schema: { hide: true } }, (_req, reply) => send(reply, index));
  app.get<{ Params: { name: string } }>('/console/:name', { schema: { hide: true } }, (req, reply) => {
    const file = files.get(req.params.name);
    if (file === undefined) throw new ApiError(404, 'NOT_FOUND', `no console file ${req.params.name}`);
    return send(reply, file);
  });
}
