import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import {
  attrInteger,
  decodeStatusEvent,
  encodeSpecEvent,
  HEARTBEAT_TYPE,
  isHeartbeat,
  SEQUENCE_ID_ANNOTATION,
  STATUS_UPDATE_TYPE,
  specEventType,
  toManifestBundle,
  uuidV5,
  workResourceId,
} from '../../../../lib/transport/maestro/codec.ts';
import { MaestroError, MaestroInvalidBundleError } from '../../../../lib/transport/maestro/errors.ts';
import type { CloudEventMessage, ManifestWork } from '../../../../lib/transport/maestro/types.ts';

const NOW = new Date('2026-01-01T00:00:00.250Z');

function work(overrides: Partial<ManifestWork['metadata']> = {}): ManifestWork {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: {
      name: 'w1',
      labels: { 'hyperfleet.io/cluster-id': 'abc' },
      annotations: { 'hyperfleet.io/generation': '1', 'logging.open-cluster-management.io/trace': 't1' },
      ...overrides,
    },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'cm1', namespace: 'default' },
            data: { k: 'v' },
          },
        ],
      },
      deleteOption: { propagationPolicy: 'Foreground', gracePeriodSeconds: 30 },
      manifestConfigs: [
        {
          resourceIdentifier: { group: '', resource: 'configmaps', name: 'cm1', namespace: 'default' },
          feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'data', path: '.data' }] }],
        },
      ],
      executor: { subject: { type: 'ServiceAccount', serviceAccount: { namespace: 'ns', name: 'sa' } } },
    },
  };
}

const opts = { sourceId: 'hyperfleet-adapter', consumer: 'cluster1', now: NOW, id: 'event-1' };

describe('resource id', () => {
  it('matches the Go client (uuid v5 over NAMESPACE_OID)', () => {
    expect(workResourceId('hyperfleet-adapter', 'cluster1', 'w1')).toBe(
      'a65f19da-5468-5a45-8506-2dfe4c51fbda',
    );
  });

  it('is RFC 4122 uuid v5 (vector from Python uuid.uuid5(NAMESPACE_DNS, "python.org"))', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('differs per source, consumer and name', () => {
    const ids = new Set([
      workResourceId('a', 'c1', 'w'),
      workResourceId('b', 'c1', 'w'),
      workResourceId('a', 'c2', 'w'),
      workResourceId('a', 'c1', 'x'),
    ]);
    expect(ids.size).toBe(4);
  });
});

describe('encodeSpecEvent', () => {
  it('writes a create in binary mode with typed extensions', () => {
    const ev = encodeSpecEvent('create', work(), { ...opts, version: 0 });
    expect(ev).toMatchObject({
      id: 'event-1',
      source: 'hyperfleet-adapter',
      spec_version: '1.0',
      type: 'io.open-cluster-management.works.v1alpha1.manifestbundles.spec.create_request',
    });
    const a = ev.attributes ?? {};
    expect(a['contenttype']).toEqual({ ce_string: 'application/json' });
    expect(a['ce-time']).toEqual({ ce_timestamp: { seconds: '1767225600', nanos: 250_000_000 } });
    expect(a['ce-clustername']).toEqual({ ce_string: 'cluster1' });
    expect(a['ce-originalsource']).toEqual({ ce_string: '' });
    expect(a['ce-resourceid']).toEqual({ ce_string: 'a65f19da-5468-5a45-8506-2dfe4c51fbda' });
    expect(a['ce-resourceversion']).toEqual({ ce_integer: 0 });
    expect(JSON.parse(a['ce-logtracing']?.ce_string ?? '')).toEqual({
      'logging.open-cluster-management.io/trace': 't1',
    });
    expect(a['ce-deletiontimestamp']).toBeUndefined();
    const meta = JSON.parse(a['ce-metadata']?.ce_string ?? '');
    expect(meta).toEqual({
      name: 'w1',
      namespace: 'cluster1',
      uid: 'a65f19da-5468-5a45-8506-2dfe4c51fbda',
      resourceVersion: '0',
      labels: { 'hyperfleet.io/cluster-id': 'abc' },
      annotations: { 'hyperfleet.io/generation': '1', 'logging.open-cluster-management.io/trace': 't1' },
    });
  });

  it('puts the ManifestBundle (not the whole work) in binary_data, with Go field names', () => {
    const ev = encodeSpecEvent('create', work(), { ...opts, version: 0 });
    const data = JSON.parse(Buffer.from(ev.binary_data ?? new Uint8Array()).toString('utf8'));
    expect(Object.keys(data).sort()).toEqual(['deleteOption', 'executer', 'manifestConfigs', 'manifests']);
    expect(data.deleteOption).toEqual({ propagationPolicy: 'Foreground' });
    expect(data.executer.subject.serviceAccount.name).toBe('sa');
    expect(data.manifests[0].data).toEqual({ k: 'v' });
    expect(ev.text_data).toBeUndefined();
  });

  it('omits empty optional bundle keys but always sends manifests', () => {
    const w = work();
    w.spec = { workload: { manifests: w.spec?.workload?.manifests ?? [] }, manifestConfigs: [] };
    expect(Object.keys(toManifestBundle(w))).toEqual(['manifests']);
  });

  it('sends the current version and generation on update', () => {
    const ev = encodeSpecEvent('update', work(), { ...opts, version: 7 });
    expect(ev.type).toBe(specEventType('update'));
    expect(ev.attributes?.['ce-resourceversion']).toEqual({ ce_integer: 7 });
    const meta = JSON.parse(ev.attributes?.['ce-metadata']?.ce_string ?? '');
    expect(meta.generation).toBe(7);
    expect(meta.resourceVersion).toBe('7');
  });

  it('writes a delete with a deletion timestamp and no content type or data', () => {
    const ev = encodeSpecEvent('delete', work(), { ...opts, version: 3 });
    expect(ev.type).toBe('io.open-cluster-management.works.v1alpha1.manifestbundles.spec.delete_request');
    expect(ev.attributes?.['contenttype']).toBeUndefined();
    expect(ev.binary_data).toBeUndefined();
    expect(ev.attributes?.['ce-resourceversion']).toEqual({ ce_integer: 3 });
    expect(ev.attributes?.['ce-deletiontimestamp']).toEqual({
      ce_timestamp: { seconds: '1767225600', nanos: 250_000_000 },
    });
    const meta = JSON.parse(ev.attributes?.['ce-metadata']?.ce_string ?? '');
    expect(meta.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('refuses a version that does not fit int32', () => {
    expect(() => encodeSpecEvent('update', work(), { ...opts, version: 2 ** 31 })).toThrow(MaestroError);
  });

  it('validates before encoding a create', () => {
    expect(() => encodeSpecEvent('create', work({ name: 'Bad_Name' }), { ...opts, version: 0 })).toThrow(
      MaestroInvalidBundleError,
    );
  });

  it('serializes with the field numbers of the reference proto', () => {
    const proto = fileURLToPath(
      new URL('../../../../protos/io/cloudevents/v1/cloudevent.proto', import.meta.url),
    );
    const def = loadSync(proto, { keepCase: true, longs: String, oneofs: true, defaults: false });
    const svc = def['io.cloudevents.v1.CloudEventService'] as unknown as Record<
      string,
      { requestSerialize: (v: unknown) => Buffer; responseDeserialize: (b: Buffer) => unknown }
    >;
    const publish = svc['Publish'];
    if (!publish) throw new Error('Publish missing');
    const minimal: CloudEventMessage = {
      id: 'i',
      source: 's',
      spec_version: '1.0',
      type: 't',
      attributes: { 'ce-resourceversion': { ce_integer: 5 } },
      binary_data: Buffer.from('{}'),
    };
    const bytes = publish.requestSerialize({ event: minimal });
    // PublishRequest.event = field 1 (len) -> CloudEvent: id=1, source=2, spec_version=3, type=4,
    // attributes=5 (map entry: key=1, value=2 -> ce_integer=2 varint), binary_data=6.
    const expected = Buffer.concat([
      Buffer.from([0x0a, 0x2c]), // 44 bytes of CloudEvent
      Buffer.from([0x0a, 0x01, 0x69, 0x12, 0x01, 0x73, 0x1a, 0x03, 0x31, 0x2e, 0x30, 0x22, 0x01, 0x74]),
      Buffer.from([0x2a, 0x18, 0x0a, 0x12]), // 24-byte map entry, 18-byte key
      Buffer.from('ce-resourceversion'),
      Buffer.from([0x12, 0x02, 0x10, 0x05]),
      Buffer.from([0x32, 0x02, 0x7b, 0x7d]),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
    const subscribe = svc['Subscribe'];
    if (!subscribe) throw new Error('Subscribe missing');
    expect(
      subscribe.requestSerialize({ source: 's', cluster_name: 'c', data_type: 'd' }).toString('hex'),
    ).toBe('0a0173120163' + '1a0164');
  });
});

function statusEvent(
  version: { ce_integer: number } | { ce_string: string },
  conditions: unknown[],
): CloudEventMessage {
  return {
    id: 'x',
    source: 'agent-1',
    spec_version: '1.0',
    type: STATUS_UPDATE_TYPE,
    attributes: {
      contenttype: { ce_string: 'application/json' },
      'ce-resourceid': { ce_string: 'a65f19da-5468-5a45-8506-2dfe4c51fbda' },
      'ce-resourceversion': version,
      'ce-sequenceid': { ce_string: '1795012345678901248' },
      'ce-clustername': { ce_string: 'cluster1' },
      'ce-originalsource': { ce_string: 'maestro' },
      'ce-metadata': { ce_string: JSON.stringify({ name: 'w1', namespace: 'cluster1', labels: { a: 'b' } }) },
    },
    binary_data: Buffer.from(
      JSON.stringify({
        manifestBundle: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' } }] },
        conditions,
        resourceStatus: [
          {
            resourceMeta: {
              ordinal: 0,
              group: '',
              version: 'v1',
              kind: 'ConfigMap',
              name: 'cm1',
              namespace: '',
            },
            statusFeedback: {
              values: [{ name: 'data', fieldValue: { type: 'JsonRaw', jsonRaw: '{"k":"v"}' } }],
            },
            conditions: [{ type: 'Applied', status: 'True' }],
          },
        ],
      }),
    ),
  };
}

describe('decodeStatusEvent', () => {
  it('builds the ManifestWork the Go watcher would', () => {
    const u = decodeStatusEvent(statusEvent({ ce_integer: 2 }, [{ type: 'Applied', status: 'True' }]));
    expect(u).toBeDefined();
    expect(u?.version).toBe(2);
    expect(u?.deleted).toBe(false);
    expect(u?.consumer).toBe('cluster1');
    expect(u?.work.metadata).toMatchObject({
      name: 'w1',
      namespace: 'cluster1',
      uid: 'a65f19da-5468-5a45-8506-2dfe4c51fbda',
      generation: 2,
      labels: { a: 'b' },
      annotations: { [SEQUENCE_ID_ANNOTATION]: '1795012345678901248' },
    });
    expect(u?.work.spec?.workload?.manifests?.[0]?.kind).toBe('ConfigMap');
    expect(u?.work.status?.conditions?.[0]?.type).toBe('Applied');
    expect(u?.work.status?.resourceStatus?.manifests?.[0]?.statusFeedback?.values?.[0]?.name).toBe('data');
  });

  it('accepts the version as a numeric string and flags Deleted', () => {
    const u = decodeStatusEvent(statusEvent({ ce_string: '4' }, [{ type: 'Deleted', status: 'True' }]));
    expect(u?.version).toBe(4);
    expect(u?.deleted).toBe(true);
  });

  it('ignores heartbeats and foreign event types', () => {
    const hb: CloudEventMessage = { id: 'h', spec_version: '1.0', type: HEARTBEAT_TYPE };
    expect(isHeartbeat(hb)).toBe(true);
    expect(decodeStatusEvent(hb)).toBeUndefined();
    expect(attrInteger(hb, 'ce-resourceversion')).toBeUndefined();
  });

  it('drops an event whose data is not JSON instead of throwing in the stream handler', () => {
    const ev = statusEvent({ ce_integer: 1 }, []);
    ev.binary_data = Buffer.from('not json');
    expect(decodeStatusEvent(ev)).toBeUndefined();
  });
});
