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

/**
 * HyperFleet peers built from the source snapshots in `../shared/peers/` (the module proxy does
 * not serve the openshift-hyperfleet modules). Each is the commit or tag that folder's README
 * lists; a build refuses a snapshot whose README names another one.
 */
export const HYPERFLEET_API_COMMIT = '031482f0ab4196d3b92398a82ef14710782a281b';
export const HYPERFLEET_SENTINEL_COMMIT = '70596f4854648a2d7b08d78185c6f0a674149972';
/** The API spec module both pin (go.mod `hyperfleet-api-spec v1.0.25`). */
export const HYPERFLEET_API_SPEC_VERSION = 'v1.0.25';
/** The broker library Sentinel pins (go.mod `hyperfleet-broker v1.1.1`). */
export const HYPERFLEET_BROKER_VERSION = 'v1.1.1';
