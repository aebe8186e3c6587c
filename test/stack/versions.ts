/**
 * Every version the test stack builds or reads, in one place. The binary cache is keyed by
 * these strings, so changing one here rebuilds exactly the component it names.
 */

/** Maestro commit (pseudo-version) built with `go build` from a throwaway module. */
export const MAESTRO_VERSION = 'v0.0.0-20260202062555-48b47506a254';

/**
 * Requirements added to Maestro's throwaway module. Maestro at this commit asks for
 * ocm-common v0.0.35, which the module proxy reachable here does not serve; the next
 * patch release is API-compatible for the SQL search parser Maestro uses, and minimal
 * version selection lets the build module raise it.
 */
export const MAESTRO_EXTRA_REQUIRES: Readonly<Record<string, string>> = {
  'github.com/openshift-online/ocm-common': 'v0.0.36',
};

/** k8s.io/kubernetes release; its staging modules are pinned to `v0.<minor>.<patch>`. */
export const KUBERNETES_VERSION = 'v1.34.4';

/** Staging modules follow the release as v0.Y.Z. */
export const KUBERNETES_STAGING_VERSION = `v0${KUBERNETES_VERSION.slice(KUBERNETES_VERSION.indexOf('.'))}`;

/**
 * etcd server built into a tiny main in the same module as Kubernetes; the version is the
 * one k8s.io/kubernetes v1.34.4 pins for go.etcd.io/etcd/server/v3, so minimal version
 * selection keeps it.
 */
export const ETCD_VERSION = 'v3.6.4';

/** Module holding the AppliedManifestWork CRD; the version Maestro itself requires. */
export const OCM_API_VERSION = 'v1.2.0';

/** Path of the CRD inside the open-cluster-management.io/api module. */
export const APPLIED_MANIFEST_WORK_CRD =
  'work/v1/0000_01_work.open-cluster-management.io_appliedmanifestworks.crd.yaml';
