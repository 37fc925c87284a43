import type { ICluster, IClusterNode } from '../../api/cluster';
import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { waitFor } from '../../__tests__/waiting';
import { COLOR_STEPS, drawHeatmap, IHeatmapContext, rowAt } from '../heatmap';
import { clusterRows, groupingLabels, sortNodes } from '../layout';
import { ClusterModel } from '../model';

function node(
  id: string,
  utilization: number[],
  extra: Partial<IClusterNode> = {}
): IClusterNode {
  const mean = utilization.length
    ? utilization.reduce((a, b) => a + b, 0) / utilization.length
    : 0;
  return {
    instance_id: id,
    instance_type: 'trn1.32xlarge',
    up: true,
    stale: false,
    simulated: false,
    utilization: mean,
    cores: utilization.map((value, index) => ({ index, utilization: value })),
    device_memory_used_bytes: 0,
    host_memory_used_bytes: 0,
    errors: 0,
    last_report_age_seconds: 1,
    labels: { job: 'neuron', instance: `127.0.0.1:${id.length}` },
    ...extra
  };
}

/** A 2D context that records what is drawn. */
class RecordingContext implements IHeatmapContext {
  fillStyle: any = '';
  strokeStyle: any = '';
  font = '';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  lineWidth = 1;
  fills: { style: string; x: number; y: number; w: number; h: number }[] = [];
  strokes: number[][] = [];
  texts: string[] = [];
  styleChanges = 0;
  private _last = '';
  fillRect(x: number, y: number, w: number, h: number): void {
    if (this.fillStyle !== this._last) {
      this.styleChanges++;
      this._last = this.fillStyle;
    }
    this.fills.push({ style: this.fillStyle, x, y, w, h });
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.strokes.push([x, y, w, h]);
  }
  clearRect(): void {
    this.fills = [];
  }
  fillText(text: string): void {
    this.texts.push(text);
  }
}

const style = {
  width: 220 + 128 * 4,
  labelWidth: 220,
  rowHeight: 14,
  groupHeight: 20,
  font: '11px sans-serif',
  textColor: '#000',
  mutedColor: '#888',
  downColor: '#ccc'
};

describe('cluster layout', () => {
  const nodes = [
    node('i-b', [10, 20], { labels: { team: 'llm', instance: 'a' } }),
    node('i-a', [90, 80], { labels: { team: 'serving', instance: 'b' } }),
    node('i-c', [0, 0], { up: false, labels: { team: 'llm', instance: 'c' } }),
    node('i-d', [50, 50], { labels: { instance: 'd' } })
  ];

  it('sorts by load with down nodes last, or by name', () => {
    expect(sortNodes(nodes, 'load').map(n => n.instance_id)).toEqual([
      'i-a',
      'i-d',
      'i-b',
      'i-c'
    ]);
    expect(sortNodes(nodes, 'name').map(n => n.instance_id)).toEqual([
      'i-a',
      'i-b',
      'i-c',
      'i-d'
    ]);
  });

  it('offers labels that group, not the per-target address', () => {
    expect(groupingLabels(nodes)).toEqual(['team']);
  });

  it('groups under a heading per value, nodes without the label last', () => {
    const rows = clusterRows(nodes, 'load', 'team');
    expect(
      rows.map(r =>
        r.kind === 'group' ? `[${r.value}:${r.count}]` : r.node.instance_id
      )
    ).toEqual(['[llm:2]', 'i-b', 'i-c', '[serving:1]', 'i-a', '[:1]', 'i-d']);
  });
});

describe('drawHeatmap', () => {
  it('draws 64 nodes x 128 cores with one fill style per colour step', () => {
    const many = Array.from({ length: 64 }, (_, n) =>
      node(
        `i-${String(n).padStart(3, '0')}`,
        Array.from({ length: 128 }, (_, c) => (n * 7 + c * 3) % 101)
      )
    );
    many[5] = { ...many[5], up: false };
    many[6] = { ...many[6], stale: true };
    const ctx = new RecordingContext();
    const rows = clusterRows(many, 'name', null);
    const layout = drawHeatmap(ctx, rows, style, row =>
      row.kind === 'node' ? row.node.instance_id : ''
    );
    // 63 nodes up x 128 cells + one rectangle for the node that is down.
    expect(ctx.fills.length).toBe(63 * 128 + 1);
    expect(ctx.styleChanges).toBeLessThanOrEqual(COLOR_STEPS + 1);
    expect(ctx.fills.filter(f => f.style === '#ccc')).toHaveLength(1);
    expect(ctx.strokes).toHaveLength(1); // the stale node's outline
    expect(layout.cellWidth).toBe(4);
    expect(layout.height).toBe(64 * 14);
    expect(ctx.texts).toHaveLength(64);
    // A click on the seventh row is the seventh node.
    const hit = rowAt(layout, 6 * 14 + 3);
    expect(hit?.kind === 'node' && hit.node.instance_id).toBe('i-006');
    // Busy cells are darker than idle ones.
    const idle = ctx.fills.find(f => f.x === 220 && f.y === 1)!;
    expect(idle.style).toBe('rgb(222,235,247)');
  });
});

/**
 * The answer of a server whose Prometheus could not be read.
 */
function failedAnswer(state: ICluster['state'], message: string): ICluster {
  return {
    state,
    message,
    queried_at: 1,
    prometheus_url: null,
    nodes: [],
    summary: {
      nodes: 0,
      up: 0,
      stale: 0,
      simulated: 0,
      cores: 0,
      utilization: 0
    }
  };
}

describe('ClusterModel', () => {
  it('fetches GET cluster only while visible, with the language, and the history', async () => {
    const server = new FakeServer();
    const answer: ICluster = {
      state: 'ok',
      message: null,
      queried_at: 1,
      prometheus_url: 'http://prometheus:9090',
      nodes: [node('i-a', [10])],
      summary: {
        nodes: 1,
        up: 1,
        stale: 0,
        simulated: 0,
        cores: 1,
        utilization: 10
      }
    };
    server.routes.set('cluster', jsonResponse(200, answer));
    server.routes.set(
      'cluster/history',
      jsonResponse(200, { state: 'ok', utilization: [[1, 5]] })
    );
    const model = new ClusterModel({
      serverSettings: server.serverSettings,
      interval: 60_000
    });
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(server.requestsTo('cluster')).toHaveLength(0);
    model.setVisible(true, 'view');
    await waitFor(model, m => m.answer !== null);
    expect(model.answer?.nodes[0].instance_id).toBe('i-a');
    const history = await model.history('i-"a"', 5);
    expect(history.utilization).toEqual([[1, 5]]);
    const query = server.requestsTo('cluster/history')[0].query;
    expect(query.get('instance_id')).toBe('i-"a"');
    expect(query.get('minutes')).toBe('5');
    model.dispose();
  });
});

describe('ClusterModel and the language', () => {
  it('asks again at once when the language changes: the server words the messages', async () => {
    const server = new FakeServer();
    const messages: Record<string, string> = {
      en: 'Prometheus did not answer.',
      ja: 'Prometheus が応答しませんでした。'
    };
    server.routes.set('cluster', request => {
      const language = request.headers.get('Accept-Language') ?? 'en';
      return jsonResponse(
        200,
        failedAnswer(
          'unreachable',
          messages[language.startsWith('ja') ? 'ja' : 'en']
        )
      );
    });
    const i18n = new NeuronI18n({ setting: 'en' });
    const model = new ClusterModel({
      serverSettings: server.serverSettings,
      i18n,
      interval: 60_000
    });
    model.setVisible(true, 'view');
    await waitFor(model, m => m.answer !== null);
    expect(model.answer?.message).toBe(messages.en);

    i18n.setting = 'ja';
    await waitFor(model, m => m.answer?.message === messages.ja);
    expect(server.requestsTo('cluster')).toHaveLength(2);
    model.dispose();
  });
});

describe('ClusterModel.isConfigured', () => {
  it('is false when the server has no prometheus_url, true otherwise', async () => {
    for (const [state, expected] of [
      ['not_configured', false],
      ['unreachable', true]
    ] as const) {
      const server = new FakeServer();
      server.routes.set('cluster', jsonResponse(200, failedAnswer(state, 'm')));
      const model = new ClusterModel({ serverSettings: server.serverSettings });
      expect(await model.isConfigured()).toBe(expected);
      expect(await model.isConfigured()).toBe(expected);
      expect(server.requestsTo('cluster')).toHaveLength(1);
      model.dispose();
    }
  });
});
