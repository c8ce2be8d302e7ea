/**
 * A model server for download tests, on 127.0.0.1 only: serves copies of the fixture models
 * from a temp folder (never from the repo) under routes that misbehave on purpose.
 *   /ok/<id>/<file>        the file
 *   /missing/<id>/<file>   404
 *   /tampered/<id>/<file>  the file, with one byte of the largest shard flipped (same size)
 *   /drop/<id>/<file>      the largest shard stops halfway and the socket is destroyed
 *   /slow/<id>/<file>      shards trickle out in small chunks (for cancelling mid-way)
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mobilenetV1Dir, teachableMachineDir } from '../test-fixtures';

export interface ModelServer {
  url: string;
  root: string;
  /** Paths requested so far (e.g. "/ok/mobilenet_v1_0.25_224/model.json"). */
  requests: string[];
  largestShard: string;
  close(): Promise<void>;
}

const V1 = 'mobilenet_v1_0.25_224';
const V2 = 'mobilenet_v2_0.35_224';

async function copyModel(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const name of await fs.readdir(from)) {
    if (name === 'model.json' || !name.includes('.') || name.endsWith('.bin')) {
      await fs.copyFile(path.join(from, name), path.join(to, name));
      await fs.chmod(path.join(to, name), 0o644);
    }
  }
}

export async function startModelServer(): Promise<ModelServer> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-model-server-'));
  await copyModel(mobilenetV1Dir, path.join(root, 'ok', V1));
  await copyModel(teachableMachineDir, path.join(root, 'ok', V2));
  await copyModel(mobilenetV1Dir, path.join(root, 'tampered', V1));
  const largestShard = 'mobilenet_group29-shard1of1';
  const tampered = path.join(root, 'tampered', V1, largestShard);
  const bytes = await fs.readFile(tampered);
  bytes[1000] = bytes[1000]! ^ 0xff;
  await fs.writeFile(tampered, bytes);

  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const [, route, id, file] = url.split('/');
    if (!route || !id || !file || file.includes('..') || route === 'missing') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const folder = route === 'tampered' ? 'tampered' : 'ok';
    fs.readFile(path.join(root, folder, id, file)).then(
      (body) => {
        res.writeHead(200, {
          'content-type': file === 'model.json' ? 'application/json' : 'application/octet-stream',
          'content-length': body.byteLength,
        });
        if (route === 'drop' && file === largestShard) {
          res.write(body.subarray(0, body.byteLength >> 1), () => res.socket?.destroy());
          return;
        }
        if (route === 'slow' && file !== 'model.json') {
          let offset = 0;
          const timer = setInterval(() => {
            if (res.destroyed || offset >= body.byteLength) {
              clearInterval(timer);
              if (!res.destroyed) res.end();
              return;
            }
            res.write(body.subarray(offset, offset + 4096));
            offset += 4096;
          }, 20);
          res.on('close', () => clearInterval(timer));
          return;
        }
        res.end(body);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    largestShard,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

export async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}
