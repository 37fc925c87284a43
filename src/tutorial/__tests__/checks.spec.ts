import {
  ICacheTotals,
  ICheckServices,
  IFoundFile,
  StepChecks,
  checkForStep,
  coreReading,
  evaluateEvidence,
  formatCoreLine,
  joinPath,
  scanCacheTotals
} from '../checks';
import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { settle } from '../../__tests__/waiting';
import { CacheModel } from '../../cache/model';
import { FakeCompileCache } from '../../cache/__tests__/fakeCache';
import { NeuronI18n } from '../../i18n';
import { ITutorialCell, TutorialProgress } from '../progress';
import { FakeMonitor, kernelOf, monitorProcess, snapshotOf } from './fakes';
import { codeCell } from './notebooks';

const PARAMETERS = { workers: 2, work_dir: 'bert-ja-neuron', smoke: false };

function cells(): ITutorialCell[] {
  return [
    codeCell('precompile-2', 'precompile'),
    codeCell('train-single-2', 'train-single'),
    codeCell('train-multi-2', 'train-multi'),
    codeCell('trace-2', 'trace')
  ];
}

class Services implements ICheckServices {
  monitor: FakeMonitor | null = new FakeMonitor();
  totals: ICacheTotals[] = [];
  cacheError: Error | null = null;
  folders = new Map<string, IFoundFile[] | null>();
  kernel: string | null = 'kernel-1';

  async cacheTotals(): Promise<ICacheTotals> {
    if (this.cacheError) {
      throw this.cacheError;
    }
    const next = this.totals.shift();
    if (!next) {
      throw new Error('no totals scripted');
    }
    return next;
  }

  async listFolder(path: string): Promise<IFoundFile[] | null> {
    if (!this.folders.has(path)) {
      throw new Error(`unexpected folder ${path}`);
    }
    return this.folders.get(path) ?? null;
  }

  kernelId(): string | null {
    return this.kernel;
  }
}

function setUp(services: Services) {
  const progress = new TutorialProgress({ cells: cells() });
  const checks = new StepChecks({
    progress,
    services,
    checkOf: step => checkForStep(step.id, PARAMETERS, 'work'),
    viewer: 'test'
  });
  const judge = (stepId: string, smoke = false) => {
    const step = progress.step(stepId)!;
    return evaluateEvidence(checks.checkOf(step)!, progress.evidence(stepId), {
      status: step.status,
      neuronOnly: stepId !== 'trace',
      smoke,
      hasMonitor: services.monitor !== null
    });
  };
  /** Run a cell start to end (failing with `error`), then let the checks finish. */
  const runCell = async (
    cellId: string,
    error: { ename: string; evalue: string } | null = null
  ) => {
    progress.cellScheduled(cellId);
    progress.cellExecuted(cellId, error);
    await settle();
  };
  return { progress, checks, judge, runCell };
}

describe('checkForStep', () => {
  it('knows the checks of the template steps', () => {
    expect(checkForStep('precompile', PARAMETERS, '')).toEqual({
      kind: 'compile-cache'
    });
    expect(checkForStep('train-single', PARAMETERS, '')).toEqual({
      kind: 'cores',
      expectedCores: 1,
      workers: 1
    });
    expect(checkForStep('train-multi', PARAMETERS, '')).toEqual({
      kind: 'cores',
      expectedCores: 2,
      workers: 2
    });
    expect(checkForStep('train', { workers: 32 }, '')).toMatchObject({
      expectedCores: 32
    });
    expect(checkForStep('trace', PARAMETERS, 'work/nb')).toEqual({
      kind: 'traced-model',
      folder: 'work/nb/bert-ja-neuron/traced'
    });
    expect(checkForStep('dataset', PARAMETERS, '')).toBeNull();
    // Without the values they need, no check rather than a wrong one.
    expect(checkForStep('train-multi', {}, '')).toBeNull();
    expect(checkForStep('trace', { work_dir: '/abs' }, '')).toBeNull();
  });

  it('joins server paths', () => {
    expect(joinPath('', 'a/', './b', 'traced')).toBe('a/b/traced');
  });
});

describe('StepChecks', () => {
  it('records the busy cores of this notebook while a training step runs', async () => {
    const services = new Services();
    const { progress, judge } = setUp(services);
    const monitor = services.monitor!;

    progress.cellScheduled('train-single-2');
    expect(monitor.viewers.has('test')).toBe(true);
    expect(judge('train-single').state).toBe('pending');

    const ours = monitorProcess({
      pid: 100,
      cores: [0],
      kernel: kernelOf('kernel-1', 'bert.ipynb')
    });
    const theirs = monitorProcess({
      pid: 200,
      cores: [1],
      kernel: kernelOf('kernel-2', 'other.ipynb')
    });
    monitor.push(snapshotOf([40, 90], [ours, theirs]));
    monitor.push(snapshotOf([85, 95], [ours, theirs]));
    progress.cellExecuted('train-single-2', null);
    await settle();

    expect(monitor.viewers.has('test')).toBe(false);
    const evidence = judge('train-single');
    expect(evidence.state).toBe('ok');
    expect(evidence.kind === 'cores' && evidence.data).toEqual({
      // The other notebook's core is not counted.
      peak: [85, 0],
      samples: 2,
      simulated: false,
      attributed: true
    });
  });

  it('warns when a multi-worker step used fewer cores than workers', async () => {
    const services = new Services();
    services.kernel = null;
    const { progress, judge } = setUp(services);
    progress.cellScheduled('train-multi-2');
    services.monitor!.push(snapshotOf([88, 0]));
    progress.cellExecuted('train-multi-2', null);
    await settle();
    const evidence = judge('train-multi');
    expect(evidence.state).toBe('warning');
    expect(evidence.kind === 'cores' && evidence.busy).toBe(1);
    expect(evidence.kind === 'cores' && evidence.data?.attributed).toBe(false);
  });

  it('shows simulated monitor data as simulated, never as confirmed', async () => {
    const services = new Services();
    const { progress, judge } = setUp(services);
    progress.cellScheduled('train-single-2');
    services.monitor!.push(snapshotOf([88, 0], [], true));
    progress.cellExecuted('train-single-2', null);
    await settle();
    expect(judge('train-single').state).toBe('simulated');
  });

  it('says core usage cannot be checked without a monitor', async () => {
    const services = new Services();
    services.monitor = null;
    const { judge, runCell } = setUp(services);
    await runCell('train-single-2');
    expect(judge('train-single')).toMatchObject({
      state: 'unavailable',
      reason: 'no-monitor'
    });
  });

  it('says nothing was observed when no snapshot came', async () => {
    const services = new Services();
    const { judge, runCell } = setUp(services);
    await runCell('train-single-2');
    expect(judge('train-single')).toMatchObject({
      state: 'unavailable',
      reason: 'not-observed'
    });
  });

  it('skips Neuron evidence in CPU smoke mode', async () => {
    const services = new Services();
    services.totals = [
      { entries: 3, bytes: 10, simulated: false },
      { entries: 3, bytes: 10, simulated: false }
    ];
    const { judge, runCell } = setUp(services);
    await runCell('precompile-2');
    expect(judge('precompile', true)).toMatchObject({
      state: 'skipped',
      reason: 'smoke'
    });
    expect(judge('train-single', true).state).toBe('skipped');
  });

  it('measures the compile cache before and after pre-compilation', async () => {
    const services = new Services();
    services.totals = [
      { entries: 3, bytes: 1000, simulated: false },
      { entries: 7, bytes: 5000, simulated: false }
    ];
    const { progress, judge } = setUp(services);
    progress.cellScheduled('precompile-2');
    await settle();
    progress.cellExecuted('precompile-2', null);
    await settle();
    const evidence = judge('precompile');
    expect(evidence.state).toBe('ok');
    expect(evidence.kind === 'compile-cache' && evidence.gained).toEqual({
      entries: 4,
      bytes: 4000
    });
  });

  it('warns when the compile cache did not grow, and reports read failures', async () => {
    const services = new Services();
    services.totals = [
      { entries: 3, bytes: 1000, simulated: false },
      { entries: 3, bytes: 1000, simulated: false }
    ];
    const { judge, runCell } = setUp(services);
    await runCell('precompile-2');
    expect(judge('precompile').state).toBe('warning');

    services.cacheError = new Error('HTTP 500');
    await runCell('precompile-2');
    const evidence = judge('precompile');
    expect(evidence).toMatchObject({ state: 'unavailable', reason: 'error' });
    expect(evidence.kind === 'compile-cache' && evidence.data?.problem).toBe(
      'HTTP 500'
    );
  });

  it('looks for the traced model after tracing', async () => {
    const services = new Services();
    services.folders.set('work/bert-ja-neuron/traced', [
      { name: 'bert-ja-cpu-b2.pt', path: 'x/bert-ja-cpu-b2.pt', size: 4096 },
      { name: 'notes.txt', path: 'x/notes.txt', size: 1 }
    ]);
    const { judge, runCell } = setUp(services);
    await runCell('trace-2');
    const evidence = judge('trace');
    expect(evidence.state).toBe('ok');
    expect(
      evidence.kind === 'traced-model' && evidence.data?.files?.map(f => f.name)
    ).toEqual(['bert-ja-cpu-b2.pt']);

    services.folders.set('work/bert-ja-neuron/traced', null);
    await runCell('trace-2');
    expect(judge('trace')).toMatchObject({
      state: 'warning',
      reason: 'no-folder'
    });
  });

  it('writes no evidence once disposed, even when a reading arrives later', async () => {
    const services = new Services();
    let answer: (totals: ICacheTotals) => void = () => undefined;
    services.cacheTotals = () =>
      new Promise<ICacheTotals>(resolve => {
        answer = resolve;
      });
    const { progress, checks } = setUp(services);
    const changes = jest.fn();
    progress.cellScheduled('precompile-2');
    await settle();
    checks.dispose();
    progress.changed.connect(changes);
    answer({ entries: 3, bytes: 1000, simulated: false });
    await settle();
    expect(progress.evidence('precompile').cache).toBeUndefined();
    expect(changes).not.toHaveBeenCalled();
  });

  it('does not look for a traced model when tracing failed', async () => {
    const services = new Services();
    const { judge, runCell } = setUp(services);
    await runCell('trace-2', { ename: 'RuntimeError', evalue: 'x' });
    // No folder was scripted: listing it would have thrown.
    expect(judge('trace').state).toBe('pending');
  });
});

describe('scanCacheTotals', () => {
  let server: FakeServer;
  let model: CacheModel;

  beforeEach(() => {
    server = new FakeServer();
    model = new CacheModel({
      serverSettings: server.serverSettings,
      interval: 60_000
    });
  });

  afterEach(() => model.dispose());

  it('asks the compile-cache model for a fresh scan, even with no cache view open', async () => {
    const fake = new FakeCompileCache(server, 12);
    const i18n = new NeuronI18n({ setting: 'en' });
    expect(model.isVisible).toBe(false);
    const totals = await scanCacheTotals(model, 'tutorial-checks:x', i18n);
    expect(totals).toEqual({
      entries: 12,
      bytes: fake.status().totals.bytes,
      simulated: true
    });
    // The server scanned again (`refresh=1`) instead of answering from its
    // last scan, and the model went back to fetching nothing.
    expect(
      server.requestsTo('cache/status').map(r => r.query.get('refresh'))
    ).toContain('1');
    expect(model.isVisible).toBe(false);

    fake.entries.splice(0, 2);
    expect(await scanCacheTotals(model, 'tutorial-checks:x', i18n)).toEqual(
      expect.objectContaining({ entries: 10 })
    );
  });

  it('rejects with the reason, in the panel language, when the scan fails', async () => {
    server.routes.set('cache/status', () =>
      jsonResponse(500, { message: 'disk on fire' })
    );
    const i18n = new NeuronI18n({ setting: 'ja' });
    await expect(scanCacheTotals(model, 'v', i18n)).rejects.toThrow(
      'disk on fire'
    );
    expect(model.isVisible).toBe(false);
  });

  it('rejects, saying why, without the compile-cache capability', async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    await expect(scanCacheTotals(null, 'v', i18n)).rejects.toThrow(
      'コンパイルキャッシュ機能が無効になっているため、コンパイルキャッシュを測定できません。'
    );
  });
});

describe('coreReading and formatCoreLine', () => {
  it('reads every core when no process belongs to the kernel', () => {
    const reading = coreReading(snapshotOf([85.4, 0]), 'kernel-9');
    expect(reading).toEqual({
      utilization: [85.4, 0],
      attributed: false,
      simulated: false
    });
    expect(formatCoreLine(reading.utilization)).toBe('NC0: 85% / NC1: 0%');
  });
});
