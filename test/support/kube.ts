import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { KubeObject } from '../../lib/transport/types.ts';
import type { StackInfo } from '../stack/types.ts';

/** GET a path on the stack's kube-apiserver as admin; undefined on 404. */
export function kubeGet(stack: StackInfo, path: string): Promise<KubeObject | undefined> {
  const ca = readFileSync(stack.kube.caFile);
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(path, stack.kube.server),
      { ca, headers: { authorization: `Bearer ${stack.kube.adminToken}`, accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 404) resolve(undefined);
          else if (res.statusCode === 200) resolve(JSON.parse(body) as KubeObject);
          else reject(new Error(`kube GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
  });
}
