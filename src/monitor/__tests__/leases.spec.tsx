import { Widget } from '@lumino/widgets';
import { nullTranslator } from '@jupyterlab/translation';
import { render } from '@testing-library/react';
import React from 'react';

import type { ICores } from '../../api/cores';
import { settle } from '../../__tests__/waiting';
import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { CoresModel } from '../../cores/model';
import { NeuronI18n } from '../../i18n';
import { CoreLeases, leaseOverview } from '../CoreLeases';
import { MonitorDashboard } from '../dashboard';
import { DashboardView } from '../DashboardView';
import { StubMonitor } from './stubMonitor';
import { makeProcess, makeSnapshot, makeStatus } from './snapshots';

const en = nullTranslator.load('jupyterlab_neuron');
const ja = new NeuronI18n({ setting: 'ja' }).trans;

/**
 * trn1.2xlarge-like: two notebooks on one core each, a runtime process of
 * no kernel on cores 2 and 3; only the left notebook computes.
 */
const ANSWER: ICores = {
  instance_type: 'trn1.2xlarge',
  simulated: true,
  total: 4,
  leases: [
    {
      kernel_id: 'k-right-000000',
      pid: 202,
      cores: [1],
      visible_cores: '1',
      notebook: 'work/right.ipynb'
    },
    {
      kernel_id: 'k-left-0000000',
      pid: 101,
      cores: [0],
      visible_cores: '0',
      notebook: 'work/left.ipynb'
    }
  ],
  free: [],
  busy_outside: [2, 3]
};

function snapshot() {
  return makeSnapshot({
    coresPerDevice: 4,
    utilization: core => (core === 0 ? 64 : core === 3 ? 20 : 0),
    processes: [
      makeProcess({ pid: 111, tag: '111', cores: [0] }),
      makeProcess({ pid: 900, tag: '900', cores: [2, 3] })
    ]
  });
}

describe('leaseOverview', () => {
  it('marks idle leases and processes outside every lease', () => {
    const overview = leaseOverview(snapshot(), ANSWER);
    expect(
      overview.leases.map(row => [row.owner, row.idle, row.busiest])
    ).toEqual([
      ['left.ipynb', false, 64],
      ['right.ipynb', true, 0]
    ]);
    expect(overview.outside).toEqual([
      { label: 'PID 900', pid: 900, cores: [2, 3] }
    ]);
    expect(overview.otherOutside).toEqual([]);
  });

  it('keeps cores used outside Jupyter that no process explains', () => {
    const overview = leaseOverview(
      makeSnapshot({ coresPerDevice: 4, processes: [] }),
      ANSWER
    );
    expect(overview.outside).toEqual([]);
    expect(overview.otherOutside).toEqual([2, 3]);
    // No process and no utilization on core 1: idle; core 0 at 87 %: busy.
    expect(overview.leases.map(row => row.idle)).toEqual([false, true]);
  });
});

describe('CoreLeases', () => {
  it.each([
    [
      'en',
      en,
      [
        'NC 0left.ipynbin use · 64%',
        'NC 1right.ipynbleased, idle',
        'NC 2, 3PID 900outside any lease'
      ]
    ],
    [
      'ja',
      ja,
      [
        'NC 0left.ipynb使用中 · 64%',
        'NC 1right.ipynb割り当て済み・未使用',
        'NC 2, 3PID 900どのカーネルにも割り当てられていません'
      ]
    ]
  ])('names the owner of each range (%s)', (locale, trans, rows) => {
    const { container } = render(
      <CoreLeases
        snapshot={snapshot()}
        cores={ANSWER}
        trans={trans}
        locale={locale}
      />
    );
    const items = [
      ...container.querySelectorAll<HTMLElement>('.jp-Neuron-CoreLease')
    ];
    expect(items.map(item => item.textContent)).toEqual(rows);
    expect(items.map(item => item.dataset.state)).toEqual([
      'busy',
      'idle',
      'outside'
    ]);
    expect(items[1].classList).toContain('jp-Neuron-CoreLease-idle');
    expect(items[1].dataset.kernelId).toBe('k-right-000000');
  });

  it('says when no kernel holds cores', () => {
    const { container } = render(
      <CoreLeases
        snapshot={makeSnapshot({ processes: [] })}
        cores={{ ...ANSWER, leases: [], busy_outside: [] }}
        trans={ja}
        locale="ja"
      />
    );
    expect(container.textContent).toBe(
      'NeuronCore を割り当てられているカーネルはありません。'
    );
  });
});

describe('DashboardView with leases', () => {
  function renderView(cores: ICores | null | undefined) {
    const model = new StubMonitor();
    model.status = makeStatus();
    const shown = snapshot();
    return render(
      <DashboardView
        model={model}
        trans={en}
        locale="en"
        snapshot={shown}
        end={shown.timestamp}
        range={300}
        paused={false}
        onPausedChange={jest.fn()}
        onRangeChange={jest.fn()}
        actions={{}}
        cores={cores}
      />
    );
  }

  it('shows the leases section only with the cores capability', () => {
    expect(
      renderView(ANSWER).container.querySelectorAll('.jp-Neuron-CoreLease')
    ).toHaveLength(3);
    for (const cores of [null, undefined]) {
      const { container } = renderView(cores);
      expect(container.querySelector('.jp-Neuron-CoreLeases')).toBeNull();
      expect(container.textContent).not.toContain('NeuronCores of each kernel');
      expect(container.querySelector('.jp-Neuron-CoreBars')).not.toBeNull();
    }
  });
});

describe('MonitorDashboard with the cores model', () => {
  it('fetches the leases only while shown and renders them', async () => {
    const server = new FakeServer();
    server.routes.set('cores', jsonResponse(200, ANSWER));
    const cores = new CoresModel({ serverSettings: server.serverSettings });
    const model = new StubMonitor();
    model.status = makeStatus();
    const i18n = new NeuronI18n({ setting: 'en' });
    const dashboard = new MonitorDashboard({ model, i18n, cores });
    expect(server.requestsTo('cores')).toHaveLength(0);

    Widget.attach(dashboard, document.body);
    model.receive(snapshot());
    await settle();
    await cores.refresh();
    await settle();
    expect(server.requestsTo('cores').length).toBeGreaterThan(0);
    const idle = dashboard.node.querySelector<HTMLElement>(
      '.jp-Neuron-CoreLease-idle'
    );
    expect(idle?.textContent).toContain('right.ipynb');

    Widget.detach(dashboard);
    dashboard.dispose();
    cores.dispose();
  });
});
