import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { ICores } from '../../api/cores';
import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { coresLabel, CoresModel } from '../model';
import { coreRanges, CoresSummary } from '../section';
import { CoresToolbarButton, createCoresToolbarItem } from '../toolbar';

const ANSWER: ICores = {
  instance_type: 'trn1.32xlarge',
  simulated: true,
  total: 32,
  leases: [
    {
      kernel_id: 'k-left',
      pid: 101,
      cores: [0, 1, 2, 3, 4, 5, 6, 7],
      visible_cores: '0-7',
      notebook: 'left.ipynb'
    },
    {
      kernel_id: 'k-right',
      pid: null,
      cores: [8, 9, 10, 11, 12, 13, 14, 15],
      visible_cores: '8-15',
      notebook: 'right.ipynb'
    }
  ],
  free: [16, 17, 18, 19, 20, 21, 22, 23],
  busy_outside: [24, 25, 26, 27, 28, 29, 30, 31]
};

async function loaded(): Promise<{ server: FakeServer; model: CoresModel }> {
  const server = new FakeServer();
  server.routes.set('cores', jsonResponse(200, ANSWER));
  const model = new CoresModel({ serverSettings: server.serverSettings });
  model.setVisible(true, 'test');
  await model.refresh();
  return { server, model };
}

describe('cores', () => {
  it('labels a lease as NC first–last', () => {
    expect(coresLabel({ cores: [8, 9, 10, 11, 12, 13, 14, 15] })).toBe(
      'NC 8\u201315'
    );
    expect(coresLabel({ cores: [3] })).toBe('NC 3');
    expect(coreRanges([27, 24, 25, 26, 30])).toBe('24-27,30');
  });

  it('finds a kernel lease and posts a new count', async () => {
    const { server, model } = await loaded();
    expect(model.leaseOf('k-right')?.visible_cores).toBe('8-15');
    expect(model.leaseOf('k-other')).toBeNull();
    server.routes.set(
      'cores/k-right',
      jsonResponse(200, {
        kernel_id: 'k-right',
        cores: 2,
        visible_cores: '8-15',
        restart_required: true
      })
    );
    const change = await model.setCount('k-right', 2);
    expect(change.restart_required).toBe(true);
    const posted = server.requestsTo('cores/k-right');
    expect(posted).toHaveLength(1);
    expect(posted[0].method).toBe('POST');
    model.dispose();
  });

  it.each([
    [
      'en',
      [
        'left.ipynb',
        'NC 0\u20137',
        'starting',
        '32 NeuronCores · 8 free',
        'Used by processes outside Jupyter: NeuronCores 24-31'
      ]
    ],
    [
      'ja',
      [
        'right.ipynb',
        'NC 8\u201315',
        '起動中',
        'NeuronCore 32 個 · 空き 8 個',
        'Jupyter 外のプロセスが使用中: NeuronCore 24-31'
      ]
    ]
  ] as const)(
    'shows each notebook with its cores (%s)',
    async (language, texts) => {
      const { model } = await loaded();
      const i18n = new NeuronI18n({ setting: language });
      render(<CoresSummary model={model} i18n={i18n} />);
      for (const text of texts) {
        expect(screen.getByText(text, { exact: false })).toBeTruthy();
      }
      model.dispose();
    }
  );

  it('shows the toolbar item only for a kernel with cores', async () => {
    const { model } = await loaded();
    const i18n = new NeuronI18n({ setting: 'ja' });
    let kernel: string | null = 'k-other';
    const clicks: number[] = [];
    const view = render(
      <CoresToolbarButton
        model={model}
        i18n={i18n}
        kernelId={() => kernel}
        onClick={() => clicks.push(1)}
      />
    );
    expect(view.container.textContent).toBe('');
    kernel = 'k-left';
    act(() => (model.changed as any).emit());
    const button = screen.getByText('NC 0\u20137');
    expect(button.getAttribute('title')).toContain('再起動が必要です');
    fireEvent.click(button);
    expect(clicks).toHaveLength(1);
    model.dispose();
  });
});

describe('the notebook toolbar item', () => {
  /**
   * The parts of a notebook panel the item uses.
   */
  function fakePanel(id: string): NotebookPanel {
    const sender = {};
    const panel = {
      id,
      sessionContext: {
        session: null,
        kernelChanged: new Signal(sender),
        statusChanged: new Signal(sender)
      },
      disposed: new Signal(sender)
    };
    return panel as unknown as NotebookPanel;
  }

  it('is a view of the cores only while its notebook is on screen', () => {
    const model = new CoresModel({
      serverSettings: new FakeServer().serverSettings
    });
    const item = createCoresToolbarItem(
      fakePanel('notebook-1'),
      model,
      new NeuronI18n({ setting: 'en' })
    );
    // Made with the notebook, before it is shown: no reason to poll.
    expect(model.isVisible).toBe(false);
    Widget.attach(item, document.body);
    expect([...model.visibleViewers]).toEqual(['toolbar-notebook-1']);
    // The notebook's tab goes to the background.
    item.hide();
    expect(model.isVisible).toBe(false);
    item.show();
    expect(model.isVisible).toBe(true);
    item.dispose();
    expect(model.isVisible).toBe(false);
    model.dispose();
  });
});
