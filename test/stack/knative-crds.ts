/**
 * The Knative CRDs, read from the knative.dev Go modules' config folders (the module proxy is
 * the only source reachable here), cached outside git keyed by version, and installed into
 * the stack's kube-apiserver so `kubectl apply --dry-run=server` validates our manifests
 * against Knative's real schemas. Knative's webhooks do not run: checks they alone make
 * (value ranges such as containerConcurrency >= 0, defaulting) are not exercised.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { binaryPaths, cacheRoot, goModuleDir } from './build.ts';
import { StackError } from './errors.ts';
import { applyCrd } from './kube.ts';
import { runCapture } from './proc.ts';
import type { StackInfo } from './types.ts';

/** Serving and Eventing of one Knative release. */
export const KNATIVE_SERVING_VERSION = 'v0.50.0';
export const KNATIVE_EVENTING_VERSION = 'v0.50.0';
/** The newest eventing-rabbitmq release the module proxy reachable here serves. */
export const KNATIVE_RABBITMQ_VERSION = 'v0.48.0';
/**
 * The messaging-topology-operator eventing-rabbitmq v0.48.0 requires (its go.mod): the
 * Queue, Exchange and Binding objects that declare the adapter's queue.
 */
export const RABBITMQ_TOPOLOGY_VERSION = 'v1.12.0';

interface CrdSource {
  module: string;
  version: string;
  /** Folders inside the module whose YAML files hold CRDs. */
  folders: string[];
}

const SOURCES: readonly CrdSource[] = [
  { module: 'knative.dev/serving', version: KNATIVE_SERVING_VERSION, folders: ['config/core/300-resources'] },
  { module: 'knative.dev/eventing', version: KNATIVE_EVENTING_VERSION, folders: ['config/core/resources'] },
  { module: 'knative.dev/eventing-rabbitmq', version: KNATIVE_RABBITMQ_VERSION, folders: ['config/source'] },
  {
    module: 'github.com/rabbitmq/messaging-topology-operator',
    version: RABBITMQ_TOPOLOGY_VERSION,
    folders: ['config/crd/bases'],
  },
];

export interface KnativeCrds {
  /** One file with every CRD, in the cache. */
  file: string;
  /** CRD names (e.g. services.serving.knative.dev). */
  names: string[];
  versions: Record<string, string>;
}

function cacheDir(): string {
  const key = SOURCES.map((s) => `${s.module.split('/').at(-1)}-${s.version}`).join('-');
  return join(cacheRoot(), `knative-crds-${key}`);
}

/** The CRD documents of a YAML stream, each as its source text with its name. */
function crdDocuments(text: string): { name: string; text: string }[] {
  return text
    .split(/^---\s*$/m)
    .map((doc) => ({ doc, parsed: parse(doc) as { kind?: string; metadata?: { name?: string } } | null }))
    .filter(({ parsed }) => parsed?.kind === 'CustomResourceDefinition')
    .map(({ doc, parsed }) => ({ name: parsed?.metadata?.name ?? '', text: doc.trim() }));
}

/** The CRDs as one YAML stream, from the cache or the module proxy. */
export async function knativeCrds(): Promise<KnativeCrds> {
  const dir = cacheDir();
  const file = join(dir, 'crds.yaml');
  const stamp = join(dir, 'complete.json');
  if (existsSync(stamp) && existsSync(file)) return JSON.parse(readFileSync(stamp, 'utf8')) as KnativeCrds;
  const docs: { name: string; text: string }[] = [];
  for (const source of SOURCES) {
    const root = await goModuleDir(source.module, source.version);
    let found = 0;
    for (const folder of source.folders) {
      const path = join(root, folder);
      for (const name of readdirSync(path)
        .filter((n) => n.endsWith('.yaml'))
        .sort()) {
        const crds = crdDocuments(readFileSync(join(path, name), 'utf8'));
        found += crds.length;
        docs.push(...crds);
      }
    }
    if (found === 0) {
      throw new StackError(
        'STACK_CRD_FAILED',
        `no CRD found in ${source.module}@${source.version} ${source.folders.join(', ')}`,
      );
    }
  }
  const names = docs.map((d) => d.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, docs.map((d) => `---\n${d.text}\n`).join(''));
  const result: KnativeCrds = {
    file,
    names,
    versions: Object.fromEntries(SOURCES.map((s) => [s.module, s.version])),
  };
  writeFileSync(stamp, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Install (idempotently) every Knative CRD into the stack and wait until each is Established. */
export async function installKnativeCrds(stack: StackInfo): Promise<KnativeCrds> {
  const crds = await knativeCrds();
  await applyCrd(
    binaryPaths().kubectl,
    stack.kube.kubeconfigPath,
    crds.file,
    join(stack.runDir, 'knative-crds.log'),
  );
  return crds;
}

/** The stack's kubectl (which carries kustomize), run against the stack. */
export function kubectl(stack: StackInfo, args: string[], input?: string) {
  return runCapture(binaryPaths().kubectl, ['--kubeconfig', stack.kube.kubeconfigPath, ...args], {
    ...(input === undefined ? {} : { input }),
    timeoutMs: 60_000,
  });
}
