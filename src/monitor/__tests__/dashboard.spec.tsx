import { Widget } from '@lumino/widgets';

import { settle } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import { MonitorDashboard } from '../dashboard';
import { DASHBOARD_UPDATE_MEASURE } from '../profiling';
import { StubMonitor } from './stubMonitor';
import { largeSnapshot, makeStatus, trainDual } from './snapshots';

describe('MonitorDashboard', () => {
  let model: StubMonitor;
  let i18n: NeuronI18n;
  let dashboard: MonitorDashboard;

  beforeEach(() => {
    model = new StubMonitor();
    model.status = makeStatus();
    i18n = new NeuronI18n({ setting: 'en' });
    dashboard = new MonitorDashboard({ model, i18n, range: 70 });
  });

  afterEach(() => {
    dashboard.dispose();
  });

  function seqShown(): string | undefined {
    const root = dashboard.content.node.querySelector(
      '.jp-Neuron-Dashboard'
    ) as HTMLElement | null;
    return root?.dataset.seq;
  }

  it('is a view of the monitor only while it is shown', async () => {
    expect(model.isActive).toBe(false);
    Widget.attach(dashboard, document.body);
    expect(model.isActive).toBe(true);

    model.receive(trainDual(1));
    await settle();
    expect(seqShown()).toBe('1');
    const renders = jest.spyOn(dashboard.content, 'renderNow');

    dashboard.hide();
    expect(model.isActive).toBe(false);
    model.receive(trainDual(2));
    await settle();
    // Hidden: the update is not consumed.
    expect(renders).not.toHaveBeenCalled();
    expect(seqShown()).toBe('1');

    dashboard.show();
    expect(model.isActive).toBe(true);
    await settle();
    expect(seqShown()).toBe('2');

    Widget.detach(dashboard);
    expect(model.isActive).toBe(false);
  });

  it('renders many changes once', async () => {
    Widget.attach(dashboard, document.body);
    await settle();
    const renders = jest.spyOn(dashboard.content, 'renderNow');
    for (let seq = 1; seq <= 5; seq++) {
      model.receive(trainDual(seq));
    }
    await settle();
    expect(renders).toHaveBeenCalledTimes(1);
    expect(seqShown()).toBe('5');
  });

  it('measures each update', () => {
    const measures: { name: string; detail: any }[] = [];
    const original = performance.measure;
    performance.measure = ((name: string, options: any) => {
      measures.push({ name, detail: options?.detail });
      return undefined;
    }) as any;
    try {
      Widget.attach(dashboard, document.body);
      model.receive(largeSnapshot(3));
      dashboard.content.renderNow();
    } finally {
      performance.measure = original;
    }
    const update = measures.filter(m => m.name === DASHBOARD_UPDATE_MEASURE);
    expect(update.length).toBeGreaterThanOrEqual(1);
    expect(update[update.length - 1].detail).toEqual({ seq: 3, cores: 128 });
    expect(
      dashboard.content.node.querySelectorAll('.jp-Neuron-HeatCell')
    ).toHaveLength(128);
  });

  it('freezes the display while paused', async () => {
    Widget.attach(dashboard, document.body);
    model.receive(trainDual(1));
    dashboard.content.renderNow();
    dashboard.content.paused = true;
    model.receive(trainDual(2));
    await settle();
    expect(seqShown()).toBe('1');
    expect(dashboard.content.node.textContent).toContain('Resume');
    dashboard.content.paused = false;
    await settle();
    expect(seqShown()).toBe('2');
  });

  it('offers only known time ranges', () => {
    // 70 s was asked: the nearest offered range is 1 minute.
    expect(dashboard.content.range).toBe(60);
    dashboard.content.range = 4000;
    expect(dashboard.content.range).toBe(3600);
  });

  it('follows the language', async () => {
    expect(dashboard.title.label).toBe('NeuronCore Dashboard');
    Widget.attach(dashboard, document.body);
    model.receive(trainDual(1));
    i18n.setting = 'ja';
    await settle();
    expect(dashboard.title.label).toBe('NeuronCore ダッシュボード');
    expect(dashboard.content.node.textContent).toContain('NeuronCore 使用率');
  });
});
