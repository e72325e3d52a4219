// The static files of `spanfill serve` (src/main/server/static.ts) and links inside the served
// folder: the path string of /assets/etc/passwd stays inside the folder, but a link there to /etc
// once served the real /etc/passwd. A link is followed only where it ends inside the folder.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRendererServer } from './rendererBench';

const secret = 'TOP-SECRET-BESIDE-THE-RENDERER';
const bench = useRendererServer('spanfill-static-', ({ root, rendererDir }) => {
  const assets = path.join(rendererDir, 'assets');
  fs.writeFileSync(path.join(root, 'secret.txt'), secret);
  fs.mkdirSync(path.join(root, 'outside'));
  fs.writeFileSync(path.join(root, 'outside', 'more.txt'), secret);
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(assets, 'leak.txt'));
  fs.symlinkSync(path.join(root, 'outside'), path.join(assets, 'outside'));
  fs.symlinkSync('/etc', path.join(assets, 'etc'));
  // Links that end inside the folder are as good as the files they name.
  fs.symlinkSync('app.js', path.join(assets, 'alias.js'));
});

function get(target: string): Promise<Response> {
  const { port, token } = bench.server;
  return fetch(`http://127.0.0.1:${port}${target}`, { headers: { Authorization: `Bearer ${token}` } });
}

describe('links in the served folder', () => {
  it.each(['/assets/leak.txt', '/assets/outside/more.txt', '/assets/etc/passwd', '/assets/etc/hostname'])(
    'never serve what %s leads to outside it',
    async (target) => {
      const response = await get(target);
      const text = await response.text();
      expect(response.status).toBe(404);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/root:.*:0:0:/);
    },
  );

  it('a link out of the folder named without an extension gets no page either', async () => {
    const response = await get('/assets/etc');
    expect(await response.text()).not.toMatch(/root:.*:0:0:/);
  });

  it('serve a link that ends inside the folder', async () => {
    const response = await get('/assets/alias.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
    expect(response.headers.get('content-type')).toContain('text/javascript');
  });
});
