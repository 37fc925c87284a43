/**
 * The cluster view against a real Prometheus (jupyterlab_neuron.cluster.demo:
 * four simulated nodes scraped on loopback), in English and Japanese, and the
 * heat map of 64 nodes x 128 NeuronCores (synthetic answer). The time of one
 * update is measured by bench/cluster/ui, not here.
 */

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { languageSettings, openPanelSection } from './helpers';

const OPEN = 'jupyterlab-neuron:open-cluster';

async function openCluster(page: IJupyterLabPageFixture) {
  await page.evaluate(async command => {
    await window.jupyterapp.commands.execute(command);
  }, OPEN);
  const view = page.locator('.jp-Neuron-ClusterView');
  await expect(view).toBeVisible();
  return view;
}

const TEXTS = {
  en: {
    summary: /4 of 4 nodes up · 100 NeuronCores · mean utilization [\d.]+%/,
    group: 'Group by',
    detail: /i-0train00000000001 \(trn1\.32xlarge\): up · 32 NeuronCores/,
    tab: 'Neuron Cluster',
    simulated:
      'Simulated: the data of 4 nodes comes from the jupyterlab-neuron simulator, not from Neuron hardware.'
  },
  ja: {
    summary:
      /ノード 4 台中 4 台が稼働中 · NeuronCore 100 個 · 平均使用率 [\d.]+%/,
    group: 'グループ化',
    detail: /i-0train00000000001（trn1\.32xlarge）: 稼働中 · NeuronCore 32 個/,
    tab: 'Neuron クラスター',
    simulated:
      'シミュレーション: ノード 4 台のデータは jupyterlab-neuron のシミュレーターによるもので、実際の Neuron ハードウェアではありません。'
  }
};

for (const language of ['en', 'ja'] as const) {
  test.describe(`cluster view (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('shows every node of the real Prometheus, groups them and opens a node history', async ({
      page
    }) => {
      const text = TEXTS[language];
      const view = await openCluster(page);
      await expect(
        page.locator('.lm-TabBar-tabLabel', { hasText: text.tab })
      ).toBeVisible();
      await expect(view.locator('.jp-Neuron-ClusterView-summary')).toHaveText(
        text.summary,
        { timeout: 60000 }
      );
      await expect(view.locator('.jp-Neuron-ClusterView-message')).toBeHidden();
      await expect(view.locator('.jp-Neuron-ClusterView-simulated')).toHaveText(
        text.simulated
      );
      await expect(view.getByText(text.group)).toBeVisible();
      const canvas = view.locator('[data-testid="cluster-heatmap"]');
      // Four node rows of 14 px.
      await expect(canvas).toHaveCSS('height', '56px');
      await view.locator('[data-testid="cluster-group"]').selectOption('team');
      // Two group headings of 20 px are added.
      await expect(canvas).toHaveCSS('height', '96px');
      await view.locator('[data-testid="cluster-sort"]').selectOption('name');
      await view.locator('[data-testid="cluster-group"]').selectOption('');
      // By name, the first row is i-0idle000000000004 ... the third is i-0train00000000001.
      await canvas.click({ position: { x: 40, y: 2 * 14 + 7 } });
      await expect(
        view.locator('.jp-Neuron-ClusterView-detailTitle')
      ).toHaveText(text.detail);
      await expect(view.locator('[data-testid="cluster-history"]')).toBeVisible(
        {
          timeout: 30000
        }
      );
      // The panel's one-line summary (prometheus_url is set on this server).
      const section = await openPanelSection(page, 'cluster');
      await expect(
        section.locator('.jp-Neuron-ClusterSummary-line')
      ).toHaveText(text.summary);
    });
  });
}

test.describe('cluster view at 64 x 128', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('draws 64 nodes x 128 NeuronCores, re-sorts them and marks every update', async ({
    page
  }) => {
    // A synthetic answer (the browser's side only; the server's is benchmarked in bench/cluster).
    const nodes = Array.from({ length: 64 }, (_, n) => {
      const cores = Array.from({ length: 128 }, (_, c) => ({
        index: c,
        utilization: (n * 7 + c * 3) % 101
      }));
      return {
        instance_id: `i-0synthetic${String(n).padStart(6, '0')}`,
        instance_type: 'trn2.48xlarge',
        up: n % 17 !== 5,
        stale: n % 23 === 6,
        simulated: false,
        utilization: cores.reduce((a, c) => a + c.utilization, 0) / 128,
        cores,
        device_memory_used_bytes: 1e9,
        host_memory_used_bytes: 1e9,
        errors: 0,
        last_report_age_seconds: 1,
        labels: { job: 'neuron', instance: `node-${n}`, team: `team-${n % 4}` }
      };
    });
    const answer = {
      state: 'ok',
      message: null,
      queried_at: Date.now() / 1000,
      prometheus_url: 'http://synthetic',
      nodes,
      summary: {
        nodes: 64,
        up: 60,
        stale: 3,
        simulated: 0,
        cores: 7680,
        utilization: 50
      }
    };
    await page.route(/\/jupyterlab-neuron\/cluster(\?.*)?$/, route =>
      route.fulfill({ json: answer })
    );
    const view = await openCluster(page);
    await expect(view.locator('.jp-Neuron-ClusterView-summary')).toHaveText(
      /60 of 64 nodes up/
    );
    await expect(view.locator('[data-testid="cluster-heatmap"]')).toHaveCSS(
      'height',
      `${64 * 14}px`
    );
    const sort = view.locator('[data-testid="cluster-sort"]');
    await page.evaluate(() =>
      performance.clearMeasures('jp-neuron-cluster-update')
    );
    for (let i = 0; i < 12; i++) {
      await sort.selectOption(i % 2 ? 'load' : 'name');
      await page.evaluate(
        () => new Promise(resolve => requestAnimationFrame(() => resolve(null)))
      );
    }
    // Every update leaves its performance measure (what bench/cluster/ui reads).
    const measures = await page.evaluate(
      () => performance.getEntriesByName('jp-neuron-cluster-update').length
    );
    expect(measures).toBeGreaterThanOrEqual(12);
    // The last change sorted by load: the first row is the busiest node up.
    const busiest = nodes
      .filter(node => node.up)
      .sort((a, b) => b.utilization - a.utilization)[0];
    const canvas = view.locator('[data-testid="cluster-heatmap"]');
    const title = view.locator('.jp-Neuron-ClusterView-detailTitle');
    await canvas.click({ position: { x: 40, y: 7 } });
    await expect(title).toHaveText(
      new RegExp(`^${busiest.instance_id} \\(trn2\\.48xlarge\\): up`)
    );
    // By name, node 0 then node 1.
    await sort.selectOption('name');
    await canvas.click({ position: { x: 40, y: 7 } });
    await expect(title).toHaveText(
      /^i-0synthetic000000 \(trn2\.48xlarge\): up · 128 NeuronCores/
    );
    await canvas.click({ position: { x: 40, y: 14 + 7 } });
    await expect(title).toHaveText(/^i-0synthetic000001 \(trn2\.48xlarge\)/);
  });
});
