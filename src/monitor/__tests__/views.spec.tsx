import { acceptDialog, dismissDialog } from '@jupyterlab/testutils';
import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { NeuronI18n } from '../../i18n';
import { CoreUtilization } from '../CoreUtilization';
import { DashboardView } from '../DashboardView';
import { MonitorBadges, MonitorNotices } from '../MonitorState';
import { ProcessTable } from '../ProcessTable';
import { EccCounters } from '../ResourceViews';
import { MonitorSummary } from '../section';
import { statusText } from '../statusbar';
import { StubMonitor } from './stubMonitor';
import {
  largeSnapshot,
  makeProcess,
  makeSnapshot,
  makeStatus,
  trainDual
} from './snapshots';

const en = nullTranslator.load('jupyterlab_neuron');
const ja = new NeuronI18n({ setting: 'ja' }).trans;

describe('CoreUtilization', () => {
  it('draws a heatmap grouped by device at 128 cores', () => {
    const snapshot = largeSnapshot();
    const { container } = render(
      <CoreUtilization snapshot={snapshot} trans={en} locale="en" />
    );
    const rows = container.querySelectorAll('.jp-Neuron-Heatmap-row');
    expect(rows).toHaveLength(16);
    const cells = container.querySelectorAll('.jp-Neuron-HeatCell');
    expect(cells).toHaveLength(128);
    expect(rows[15].querySelectorAll('.jp-Neuron-HeatCell')).toHaveLength(8);

    // Core 3: 3 * 7 % 101 = 21 %, used by worker-0.
    const cell = container.querySelector('[data-core="3"]') as HTMLElement;
    expect(cell.getAttribute('aria-label')).toBe(
      'NeuronCore 3: 21% (worker-0)'
    );
    expect(cell.classList).toContain('jp-Neuron-heat-2');
    expect(cell.classList).not.toContain('jp-Neuron-HeatCell-hot');
    // Core 14: 98 %: text switches to the inverse colour.
    const hot = container.querySelector('[data-core="14"]') as HTMLElement;
    expect(hot.textContent).toBe('1498');
    expect(hot.classList).toContain('jp-Neuron-HeatCell-hot');
    expect(screen.getByRole('table').getAttribute('aria-label')).toBe(
      'NeuronCore utilization'
    );
  });

  it('shows the physical cores of logical NeuronCores (trn2)', () => {
    const snapshot = makeSnapshot({
      devices: 16,
      coresPerDevice: 4,
      physical: 2,
      utilization: () => 50
    });
    const { container } = render(
      <CoreUtilization snapshot={snapshot} trans={en} locale="en" />
    );
    expect(container.querySelectorAll('.jp-Neuron-HeatCell')).toHaveLength(64);
    expect(
      container.querySelectorAll('.jp-Neuron-HeatCell-physical > span')
    ).toHaveLength(128);
  });

  it('uses bars on small instances, naming the notebook using each core', () => {
    const { container } = render(
      <CoreUtilization snapshot={trainDual()} trans={en} locale="en" />
    );
    expect(container.querySelector('.jp-Neuron-Heatmap')).toBeNull();
    const bars = container.querySelectorAll('.jp-Neuron-CoreBar');
    expect(bars).toHaveLength(2);
    expect(bars[0].textContent).toContain('NC 0');
    expect(bars[0].textContent).toContain('88%');
    expect(bars[0].textContent).toContain('bert-train.ipynb');
    expect(bars[1].textContent).toContain('PID 5002');
    const meter = within(bars[0] as HTMLElement).getByRole('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('88');
  });
});

describe('ProcessTable', () => {
  function renderTable(shutdownKernel = jest.fn(async () => undefined)) {
    const openNotebook = jest.fn();
    const utils = render(
      <ProcessTable
        processes={trainDual().processes}
        trans={en}
        locale="en"
        actions={{ shutdownKernel, openNotebook }}
      />
    );
    return { ...utils, shutdownKernel, openNotebook };
  }

  it('names the notebook of each process and its figures', () => {
    const { container, openNotebook } = renderTable();
    const rows = container.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(first.dataset.pid).toBe('1001');
    const link = within(first).getByRole('button', {
      name: 'bert-train.ipynb'
    });
    expect(link.getAttribute('title')).toBe('work/bert-train.ipynb');
    expect(first.textContent).toContain('(child process)');
    expect(first.textContent).toContain('91.5 ms / 133 ms');
    expect(first.textContent).toContain('3 GiB');
    fireEvent.click(link);
    expect(openNotebook).toHaveBeenCalledWith('work/bert-train.ipynb');

    const second = rows[1] as HTMLElement;
    expect(second.textContent).toContain('Not a Jupyter kernel');
    expect(within(second).queryByText('Shut down kernel')).toBeNull();
  });

  it('shuts the kernel down only after confirmation', async () => {
    const { shutdownKernel } = renderTable();
    const button = screen.getByRole('button', { name: 'Shut down kernel' });

    await act(async () => {
      fireEvent.click(button);
      await dismissDialog();
    });
    expect(shutdownKernel).not.toHaveBeenCalled();
    expect(
      screen.getByRole('button', { name: 'Shut down kernel' })
    ).toBeTruthy();

    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Shut down kernel' }));
    });
    const dialog = await waitForElement('.jp-Dialog');
    expect(dialog.textContent).toContain(
      'Shut down the kernel of bert-train.ipynb?'
    );
    expect(dialog.textContent).toContain(
      'Process 1001 was started by this kernel'
    );
    await act(async () => {
      await acceptDialog();
    });
    expect(shutdownKernel).toHaveBeenCalledWith('kernel-aaaa-1111');
    expect(screen.getByRole('button', { name: 'Shutting down…' })).toBeTruthy();
  });

  it('counts errors and shows what they were', () => {
    const failing = makeProcess({
      error: 'runtime failed',
      execution_errors: { generic: 0, numerical: 2 },
      group_errors: { memory_used: 'not available' }
    });
    const { container } = render(
      <ProcessTable processes={[failing]} trans={en} locale="en" actions={{}} />
    );
    const cell = container.querySelector(
      '.jp-Neuron-ErrorCount'
    ) as HTMLElement;
    expect(cell.textContent).toBe('4');
    expect(cell.title).toBe(
      'numerical: 2\nruntime failed\nmemory_used: not available'
    );
  });

  it('says so when no process uses NeuronCores', () => {
    render(<ProcessTable processes={[]} trans={en} locale="en" actions={{}} />);
    expect(
      screen.getByText('No process is using NeuronCores right now.')
    ).toBeTruthy();
  });

  it('speaks Japanese', () => {
    render(
      <ProcessTable
        processes={trainDual().processes}
        trans={ja}
        locale="ja-JP"
        actions={{ shutdownKernel: async () => undefined }}
      />
    );
    expect(screen.getByText('ノートブック')).toBeTruthy();
    expect(screen.getByText('カーネルをシャットダウン')).toBeTruthy();
    expect(screen.getByText('（子プロセス）')).toBeTruthy();
    expect(screen.getByText('Jupyter カーネル外')).toBeTruthy();
  });
});

function waitForElement(selector: string, timeout = 2000): Promise<Element> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout;
    const check = () => {
      const element = document.querySelector(selector);
      if (element) {
        resolve(element);
      } else if (Date.now() > deadline) {
        reject(new Error(`No ${selector}`));
      } else {
        setTimeout(check, 10);
      }
    };
    check();
  });
}

describe('monitor state', () => {
  it('shows a restarting monitor with its last stderr lines', () => {
    const model = new StubMonitor();
    model.status = makeStatus({
      state: 'restarting',
      message: 'neuron-monitor stopped; restarting it in 1 s.',
      last_exit_status: 1,
      stderr_tail: ['neuron-monitor: lost the connection to the Neuron driver']
    });
    render(
      <MonitorNotices model={model} trans={en} onRestart={() => undefined} />
    );
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain(
      'neuron-monitor stopped; restarting it'
    );
    expect(notice.textContent).toContain('Exit status: 1');
    expect(notice.textContent).toContain(
      'neuron-monitor: lost the connection to the Neuron driver'
    );
    // It restarts by itself: nothing to retry.
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('offers a retry when neuron-monitor failed', () => {
    const model = new StubMonitor();
    model.status = makeStatus({
      state: 'failed',
      message: 'gave up',
      stderr_tail: ['fatal error']
    });
    const onRestart = jest.fn();
    render(<MonitorNotices model={model} trans={en} onRestart={onRestart} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'neuron-monitor failed'
    );
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRestart).toHaveBeenCalledTimes(1);
  });

  it('shows a crash loop with its last stderr lines in English and Japanese', () => {
    const model = new StubMonitor();
    model.status = makeStatus({
      state: 'crash_loop',
      message: 'neuron-monitor exited 5 times within 60 s (crash loop).',
      last_exit_status: 1,
      restarts: 5,
      stderr_tail: ['neuron-monitor: lost the connection to the Neuron driver'],
      crash_loop: { exits: 5, window: 60, backoff: 300 }
    });
    const onRestart = jest.fn();
    const { rerender } = render(
      <>
        <MonitorBadges model={model} trans={en} />
        <MonitorNotices model={model} trans={en} onRestart={onRestart} />
      </>
    );
    const notice = screen.getByRole('alert');
    expect(notice.textContent).toContain('neuron-monitor keeps crashing');
    expect(notice.textContent).toContain('exited 5 times within 60 s');
    expect(notice.textContent).toContain('Exit status: 1');
    expect(notice.textContent).toContain(
      'neuron-monitor: lost the connection to the Neuron driver'
    );
    expect(screen.getByText('Crash loop')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRestart).toHaveBeenCalledTimes(1);

    rerender(
      <>
        <MonitorBadges model={model} trans={ja} />
        <MonitorNotices model={model} trans={ja} onRestart={onRestart} />
      </>
    );
    expect(screen.getByText('クラッシュループ')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain(
      'neuron-monitor の異常終了が続いています'
    );
    expect(screen.getByRole('button', { name: '再試行' })).toBeTruthy();
  });

  it('explains a missing neuron-monitor and a missing server extension', () => {
    const model = new StubMonitor();
    model.status = makeStatus({ state: 'not_installed', message: 'not found' });
    const { rerender } = render(<MonitorNotices model={model} trans={en} />);
    expect(screen.getByText('neuron-monitor is not installed')).toBeTruthy();
    model.connection = 'server-missing';
    rerender(<MonitorNotices model={model} trans={ja} />);
    expect(
      screen.getByText('jupyterlab-neuron のサーバー拡張機能を利用できません')
    ).toBeTruthy();
  });

  it('marks simulated data and names the state and the transport', () => {
    const model = new StubMonitor();
    model.status = makeStatus();
    model.connection = 'polling';
    const { container, rerender } = render(
      <MonitorBadges model={model} trans={en} />
    );
    expect(container.textContent).toContain('Running');
    expect(container.textContent).toContain('Live (HTTP polling)');
    const simulated = screen.getByText('Simulated: trn1.2xlarge');
    expect(simulated.getAttribute('title')).toContain('scenario train-dual');

    model.status = makeStatus({ state: 'restarting' });
    rerender(<MonitorBadges model={model} trans={ja} />);
    expect(container.textContent).toContain('再起動中');
    expect(container.textContent).toContain('シミュレーション: trn1.2xlarge');

    model.status = makeStatus({ simulated: false, simulated_instance: null });
    rerender(<MonitorBadges model={model} trans={en} />);
    expect(container.textContent).not.toContain('Simulated');
  });
});

describe('EccCounters', () => {
  it('is reassuring when all counters are zero', () => {
    render(<EccCounters snapshot={makeSnapshot()} trans={en} locale="en" />);
    expect(screen.getByText('No ECC errors on any device.')).toBeTruthy();
  });

  it('lists non-zero counters, uncorrected ones highlighted', () => {
    const snapshot = makeSnapshot({
      ecc: { mem_ecc_corrected: 3, sram_ecc_uncorrected: 1 }
    });
    const { container } = render(
      <EccCounters snapshot={snapshot} trans={en} locale="en" />
    );
    const rows = container.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[1].className).toBe('jp-Neuron-Ecc-uncorrected');
    expect(rows[1].textContent).toContain('sram_ecc_uncorrected');
  });
});

describe('DashboardView', () => {
  function renderDashboard(trans = en, locale = 'en') {
    const model = new StubMonitor();
    model.status = makeStatus();
    const snapshot = trainDual(5);
    model.receive(snapshot);
    const onPausedChange = jest.fn();
    const onRangeChange = jest.fn();
    const utils = render(
      <DashboardView
        model={model}
        trans={trans}
        locale={locale}
        snapshot={snapshot}
        end={snapshot.timestamp}
        range={300}
        paused={false}
        onPausedChange={onPausedChange}
        onRangeChange={onRangeChange}
        actions={{}}
      />
    );
    return { ...utils, onPausedChange, onRangeChange, model };
  }

  it('shows every part of a snapshot', () => {
    const { container, onPausedChange, onRangeChange } = renderDashboard();
    const root = container.querySelector('.jp-Neuron-Dashboard') as HTMLElement;
    expect(root.dataset.seq).toBe('5');
    expect(root.classList).toContain('jp-Neuron-Dashboard-simulated');
    expect(container.textContent).toContain('NeuronCore dashboard');
    expect(container.textContent).toContain('2 of 2 in use · 87%');
    expect(container.querySelectorAll('.jp-Neuron-CoreBar')).toHaveLength(2);
    expect(container.querySelectorAll('canvas')).toHaveLength(2);
    expect(container.textContent).toContain('Device 0');
    expect(container.textContent).toContain('6 GiB of 32 GiB');
    expect(container.textContent).toContain('28% of 8 vCPUs');
    expect(container.textContent).toContain('No ECC errors on any device.');
    expect(container.textContent).toContain('bert-train.ipynb');
    expect(container.textContent).toContain('neuron-monitor period: 1 s');

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(onPausedChange).toHaveBeenCalledWith(true);
    fireEvent.change(screen.getByRole('combobox'), {
      target: { value: '3600' }
    });
    expect(onRangeChange).toHaveBeenCalledWith(3600);
  });

  it('speaks Japanese', () => {
    const { container } = renderDashboard(ja, 'ja-JP');
    expect(container.textContent).toContain('NeuronCore ダッシュボード');
    expect(container.textContent).toContain('2 個中 2 個が使用中 · 87%');
    expect(container.textContent).toContain('デバイスメモリ');
    expect(screen.getByRole('button', { name: '一時停止' })).toBeTruthy();
    expect(screen.getByRole('option', { name: '1 時間' })).toBeTruthy();
  });

  it('waits for the first report', () => {
    const model = new StubMonitor();
    render(
      <DashboardView
        model={model}
        trans={en}
        locale="en"
        snapshot={null}
        end={0}
        range={60}
        paused={false}
        onPausedChange={() => undefined}
        onRangeChange={() => undefined}
        actions={{}}
      />
    );
    expect(
      screen.getByText('Waiting for the first report from neuron-monitor…')
    ).toBeTruthy();
  });
});

describe('MonitorSummary (sidebar)', () => {
  it('shows cores in use, the processes and the way to the dashboard', () => {
    const model = new StubMonitor();
    model.status = makeStatus();
    model.receive(trainDual());
    const onOpenDashboard = jest.fn();
    const { container } = render(
      <MonitorSummary
        model={model}
        translator={nullTranslator}
        onOpenDashboard={onOpenDashboard}
      />
    );
    expect(container.textContent).toContain('2 of 2 NeuronCores in use · 87%');
    expect(
      container.querySelectorAll('.jp-Neuron-MiniHeatmap > span')
    ).toHaveLength(2);
    expect(container.textContent).toContain('bert-train.ipynb');
    fireEvent.click(
      screen.getByRole('button', { name: 'Open NeuronCore Dashboard' })
    );
    expect(onOpenDashboard).toHaveBeenCalled();

    act(() => {
      model.receive(
        makeSnapshot({ seq: 2, timestamp: 1_700_000_100, processes: [] })
      );
    });
    expect(container.textContent).toContain('1 of 2 NeuronCores in use');
    expect(container.textContent).toContain(
      'No process is using NeuronCores right now.'
    );
  });
});

describe('statusText', () => {
  it('reads like "NeuronCore 1/2 · 87%"', () => {
    const model = new StubMonitor();
    model.status = makeStatus();
    model.receive(makeSnapshot());
    expect(statusText(model, en, 'en').text).toBe('NeuronCore 1/2 · 87%');
    expect(statusText(model, ja, 'ja-JP').title).toContain(
      'NeuronCore 2 個中 1 個が使用中'
    );
  });

  it('names a monitor that is not running', () => {
    const model = new StubMonitor();
    model.status = makeStatus({
      state: 'restarting',
      message: 'restarting in 2 s'
    });
    expect(statusText(model, en, 'en')).toEqual({
      text: 'NeuronCore: Restarting',
      title: 'restarting in 2 s'
    });
    expect(statusText(model, ja, 'ja-JP').text).toBe('NeuronCore: 再起動中');
  });
});
