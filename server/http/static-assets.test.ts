import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../scripts/vite-precompress';
import { startTestServer, type TestServer } from '../test/harness';

/** The SPA's build as the server serves it: hashed assets precompressed, the shell never cached. */

let t: TestServer;
let dir: string;
const script = Array.from({ length: 400 }, (_, k) => `export const value${k} = ${k} * 2;`).join(
  '\n',
);
const shell = `<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>`;

/** A GET through node's http client, which (unlike fetch) leaves the body as it was sent. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'runboard-static-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), shell);
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), script);
  writeFileSync(path.join(dir, 'assets', 'tiny-def456.js'), 'export {};');
  writeFileSync(
    path.join(dir, 'assets', 'app-abc123.js.map'),
    JSON.stringify({ mappings: script }),
  );
  precompressDir(dir);
  t = await startTestServer({ app: { staticDir: dir } });
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('precompressDir (the build step)', () => {
  it('writes .br and .gz of the same bytes beside each script of 1 KiB or more, and no others', () => {
    const file = path.join(dir, 'assets', 'app-abc123.js');
    expect(brotliDecompressSync(readFileSync(`${file}.br`)).toString()).toBe(script);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString()).toBe(script);
    expect(existsSync(path.join(dir, 'assets', 'tiny-def456.js.br'))).toBe(false);
    expect(existsSync(path.join(dir, 'assets', 'app-abc123.js.map.br'))).toBe(false);
    expect(readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the SPA build served by the server', () => {
  it('sends a hashed asset precompressed with brotli, kept for a year', async () => {
    const res = await get(`${t.baseUrl}/assets/app-abc123.js`, {
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const stored = readFileSync(path.join(dir, 'assets', 'app-abc123.js.br'));
    expect(Number(res.headers['content-length'])).toBe(stored.length);
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
  });

  it('sends the gzip one to a client without brotli, and the file itself to one without either', async () => {
    const gz = await get(`${t.baseUrl}/assets/app-abc123.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);

    const plain = await get(`${t.baseUrl}/assets/app-abc123.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    // A shared cache must not hand this copy to a browser that takes brotli.
    expect(plain.headers['vary']).toMatch(/accept-encoding/i);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers 404 for an asset the build does not have, not the SPA shell', async () => {
    const res = await get(`${t.baseUrl}/assets/app-renamed999.js`, { 'accept-encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type'] ?? '').not.toMatch(/html/);
    expect(res.headers['cache-control'] ?? '').not.toMatch(/immutable/);
  });

  it('has the browser check the shell and unhashed files on every load', async () => {
    for (const url of ['/', '/runs/wfr_abc', '/workflows/deploy/runs']) {
      const res = await get(`${t.baseUrl}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/html/);
      expect(res.body.toString(), url).toBe(shell);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
    const icon = await get(`${t.baseUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('serves the shell a build wrote while the server runs', async () => {
    const rebuilt = shell.replace('app-abc123.js', 'app-fed987.js');
    writeFileSync(path.join(dir, 'index.html'), rebuilt);
    try {
      for (const url of ['/', '/runs/wfr_abc']) {
        const res = await get(`${t.baseUrl}${url}`);
        expect(res.body.toString(), url).toBe(rebuilt);
      }
    } finally {
      writeFileSync(path.join(dir, 'index.html'), shell);
    }
  });

  it('still answers the API under /v1, and an unknown API path with a 404', async () => {
    expect((await t.api('admin', 'GET', '/workflows')).status).toBe(200);
    const unknown = await t.api('admin', 'GET', '/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/json/);
  });
});
