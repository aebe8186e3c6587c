import type { AdapterStatusView, ApiDouble, ResourceKind } from '../../support/hyperfleet-api-double.ts';

/** Reading what an adapter reported to the API double. */

export function reportOf(
  api: ApiDouble,
  kind: ResourceKind,
  id: string,
  adapter: string,
): AdapterStatusView | undefined {
  return api.statuses(kind, id).find((s) => s.adapter === adapter);
}

export function conditionIn(
  report: AdapterStatusView | undefined,
  type: string,
): { type: string; status: string; reason?: string; message?: string } | undefined {
  return report?.conditions.find((c) => c.type === type);
}

/** Applied, Available and Health all True at the resource's current generation. */
export function reconciledAt(report: AdapterStatusView | undefined, generation: number): boolean {
  if (!report || report.observed_generation !== generation) return false;
  return ['Applied', 'Available', 'Health'].every((t) => conditionIn(report, t)?.status === 'True');
}

export function describeReport(report: AdapterStatusView | undefined): string {
  if (!report) return 'no report';
  const conds = report.conditions.map((c) => `${c.type}=${c.status}(${c.reason ?? ''})`).join(' ');
  return `gen ${report.observed_generation}: ${conds}`;
}
