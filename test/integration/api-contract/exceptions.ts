/**
 * Where the API double knowingly answers otherwise than the real HyperFleet API. The contract
 * suite fails on any difference not listed here and on any entry that no longer matches a
 * difference, so this list is exactly what the double simplifies.
 */
export interface ContractException {
  probe: string;
  /** The compared path (`body.detail`, `precision updated_time`...). */
  path: string;
  reason: string;
}

export const EXCEPTIONS: ContractException[] = [
  {
    probe: 'api metadata (readiness target, no auth)',
    path: 'body.version',
    reason: 'the real API reports the commit it was built from; the double has no build and says "double"',
  },
  {
    probe: 'status PUT: malformed observed_time',
    path: 'body.detail',
    reason:
      "the wording of Go's time parser for a non-RFC 3339 text; the double answers the same code, title and type (HYPERFLEET-VAL-006) with its own wording",
  },
  {
    probe: 'nodepool status PUT: malformed observed_time',
    path: 'body.detail',
    reason: "as above: Go's time parser says 'month out of range'",
  },
  {
    probe: 'get nodepool of deleted cluster',
    path: 'body.status.conditions[1].last_updated_time',
    reason:
      "the real API re-aggregates a cascade-deleted nodepool from its stored status rows, so last_updated_time drops to the column's microseconds; the double keeps the adapter's text until the time itself changes (only sub-microsecond digits differ; nothing reads them)",
  },
  {
    probe: 'get nodepool of deleted cluster',
    path: 'body.status.conditions[2].last_updated_time',
    reason: 'as above, for the adapter condition',
  },
];
