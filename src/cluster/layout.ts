/**
 * What the heat map shows, in which order: pure functions of the answer.
 */

import type { IClusterNode } from '../api/cluster';

/**
 * How the nodes are ordered.
 */
export type ClusterSort = 'load' | 'name';

/**
 * One row of the heat map: a group heading or a node.
 */
export type ClusterRow =
  | { kind: 'group'; label: string; value: string; count: number }
  | { kind: 'node'; node: IClusterNode };

/**
 * The nodes in order: by load (busiest first, nodes that are down last) or
 * by instance id.
 */
export function sortNodes(
  nodes: readonly IClusterNode[],
  sort: ClusterSort
): IClusterNode[] {
  const byName = (a: IClusterNode, b: IClusterNode) =>
    a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
  const copy = nodes.slice();
  if (sort === 'name') {
    return copy.sort(byName);
  }
  return copy.sort(
    (a, b) =>
      Number(b.up) - Number(a.up) ||
      b.utilization - a.utilization ||
      byName(a, b)
  );
}

/**
 * Labels that can group the nodes: present on at least one node and taking
 * at least two values (or missing on some nodes).
 */
export function groupingLabels(nodes: readonly IClusterNode[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const node of nodes) {
    for (const [name, value] of Object.entries(node.labels)) {
      if (!values.has(name)) {
        values.set(name, new Set());
      }
      values.get(name)!.add(value);
    }
  }
  const found: string[] = [];
  for (const [name, seen] of values) {
    const missing = nodes.some(n => !(name in n.labels));
    if (seen.size > 1 || missing) {
      found.push(name);
    }
  }
  // The scrape target address differs on every node: it does not group.
  return found.filter(name => name !== 'instance').sort();
}

/**
 * The rows of the heat map: the sorted nodes, under a heading per value of
 * `groupBy` (groups in name order, nodes without the label last).
 */
export function clusterRows(
  nodes: readonly IClusterNode[],
  sort: ClusterSort,
  groupBy: string | null
): ClusterRow[] {
  const sorted = sortNodes(nodes, sort);
  if (!groupBy) {
    return sorted.map(node => ({ kind: 'node', node }));
  }
  const groups = new Map<string, IClusterNode[]>();
  for (const node of sorted) {
    const value = node.labels[groupBy] ?? '';
    if (!groups.has(value)) {
      groups.set(value, []);
    }
    groups.get(value)!.push(node);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0
  );
  const rows: ClusterRow[] = [];
  for (const value of names) {
    const members = groups.get(value)!;
    rows.push({ kind: 'group', label: groupBy, value, count: members.length });
    for (const node of members) {
      rows.push({ kind: 'node', node });
    }
  }
  return rows;
}
