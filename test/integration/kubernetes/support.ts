import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  createKubernetesTransport,
  type KubernetesTransport,
  type KubernetesTransportOptions,
} from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import type { StackInfo } from '../../stack/types.ts';

/** Helpers shared by the Direct transport's integration tests (not a test file itself). */

export function stack(): StackInfo {
  return inject('stack');
}

/** An admin transport through the stack's kubeconfig, plus any option under test. */
export function adminTransport(options: KubernetesTransportOptions = {}): Promise<KubernetesTransport> {
  return createKubernetesTransport({ kubeConfigPath: stack().kube.kubeconfigPath, qps: 0, ...options });
}

/** A name no other run or test will pick: `<prefix>-<8 hex>`. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function ctx(ms = 30_000): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(ms) };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export { eventually } from '../../support/eventually.ts';
