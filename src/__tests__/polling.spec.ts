import { NeuronI18n } from '../i18n';
import { PollingModel, ServerModel } from '../polling';
import { ServerExtensionMissingError } from '../request';
import { jsonResponse } from './fakeServer';

/**
 * A polling model whose fetches the test answers by hand, one at a time.
 */
class Probe extends PollingModel<number> {
  constructor(options: PollingModel.IOptions = {}) {
    super(options, { name: 'test', interval: 60_000, maxBackoff: 300_000 });
  }

  /** Whether due fetches are made (see `shouldFetch`). */
  fetching = true;

  /** Fetches under way, oldest first. */
  readonly pending: {
    resolve: (value: number) => void;
    reject: (reason: unknown) => void;
  }[] = [];

  /** How many fetches were asked for. */
  calls = 0;

  /** Whether two fetches ever ran at once. */
  overlapped = false;

  /** What `onResult` was told, in order. */
  readonly results: [number, number | null][] = [];

  /** Ask outside the poll, as a model asking once for a first answer does. */
  fetchOnce(): Promise<void> {
    return this.update();
  }

  protected fetch(): Promise<number> {
    this.calls++;
    this.overlapped = this.overlapped || this.pending.length > 0;
    return new Promise<number>((resolve, reject) => {
      const entry = {
        resolve: (value: number) => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          resolve(value);
        },
        reject: (reason: unknown) => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          reject(reason);
        }
      };
      this.pending.push(entry);
    });
  }

  protected shouldFetch(): boolean {
    return this.fetching;
  }

  protected onResult(result: number, previous: number | null): void {
    this.results.push([result, previous]);
  }
}

/**
 * Let the poll's timers and promises run.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

const models: Probe[] = [];

function probe(options: PollingModel.IOptions = {}): Probe {
  const made = new Probe(options);
  models.push(made);
  return made;
}

afterEach(() => {
  for (const model of models.splice(0)) {
    model.dispose();
  }
});

describe('ServerModel', () => {
  class Viewed extends ServerModel {
    readonly changes: boolean[] = [];
    protected onVisibilityChanged(visible: boolean): void {
      this.changes.push(visible);
    }
  }

  it('is visible while any named view is, and hears only of changes', () => {
    const model = new Viewed();
    model.setVisible(true, 'panel');
    model.setVisible(true, 'dashboard');
    model.setVisible(true, 'panel');
    expect(model.isVisible).toBe(true);
    expect([...model.visibleViewers].sort()).toEqual(['dashboard', 'panel']);
    model.setVisible(false, 'panel');
    expect(model.isVisible).toBe(true);
    model.setVisible(false, 'dashboard');
    expect(model.isVisible).toBe(false);
    // A view that was never shown going away changes nothing.
    model.setVisible(false, 'status-bar');
    model.setVisible(true);
    expect(model.changes).toEqual([true, false, true]);

    model.dispose();
    expect(model.isDisposed).toBe(true);
    expect(model.isVisible).toBe(false);
    model.setVisible(true, 'panel');
    expect(model.isVisible).toBe(false);
    expect(model.changes).toEqual([true, false, true]);
  });
});

describe('PollingModel', () => {
  it('fetches nothing until a view shows the result, then once', async () => {
    const model = probe();
    await settle();
    expect(model.calls).toBe(0);
    expect(model.state).toBe('loading');
    model.setVisible(true, 'panel');
    model.setVisible(true, 'dashboard');
    await settle();
    expect(model.calls).toBe(1);
    expect(model.isBusy).toBe(true);
    model.pending[0].resolve(7);
    await settle();
    expect(model.state).toBe('ready');
    expect(model.result).toBe(7);
    expect(model.isBusy).toBe(false);
    expect(model.results).toEqual([[7, null]]);

    // Hidden and shown again while current: nothing more to fetch.
    model.setVisible(false, 'panel');
    model.setVisible(false, 'dashboard');
    expect(model.isVisible).toBe(false);
    model.setVisible(true, 'panel');
    await settle();
    expect(model.calls).toBe(1);
  });

  it('fetches on show what went out of date while hidden', async () => {
    const model = probe();
    model.setVisible(true);
    await settle();
    model.pending[0].resolve(1);
    await settle();
    model.setVisible(false);

    // Asked while nothing shows it: done when a view appears.
    await model.refresh();
    await settle();
    expect(model.calls).toBe(1);
    model.setVisible(true);
    await settle();
    expect(model.calls).toBe(2);
    model.pending[0].resolve(2);
    await settle();
    expect(model.results).toEqual([
      [1, null],
      [2, 1]
    ]);
  });

  it('keeps the last result after a failure, says why, and fetches again on show', async () => {
    const model = probe();
    const states: string[] = [];
    model.stateChanged.connect((_, state) => states.push(state));
    model.setVisible(true);
    await settle();
    model.pending[0].resolve(3);
    await settle();
    const refreshing = model.refresh();
    await settle();
    model.pending[0].reject(new Error('HTTP 500: the disk is full'));
    await refreshing;
    expect(model.state).toBe('error');
    expect(model.error).toBe('HTTP 500: the disk is full');
    expect(model.result).toBe(3);

    model.setVisible(false);
    model.setVisible(true);
    await settle();
    expect(model.pending).toHaveLength(1);
    model.pending[0].resolve(4);
    await settle();
    expect(model.state).toBe('ready');
    expect(model.error).toBeNull();
    expect(states).toEqual(['ready', 'error', 'ready']);
  });

  it('says server-missing, in the user language, when the extension does not answer', async () => {
    const model = probe({ i18n: new NeuronI18n({ setting: 'ja' }) });
    model.setVisible(true);
    await settle();
    model.pending[0].reject(
      new ServerExtensionMissingError(jsonResponse(404, {}))
    );
    await settle();
    expect(model.state).toBe('server-missing');
    expect(model.error).toContain('jupyterlab-neuron');
    expect(model.error).toContain('サーバー拡張機能');
  });

  it('waits for a refresh while visible, and never overlaps fetches', async () => {
    const model = probe();
    model.setVisible(true);
    await settle();
    let done = false;
    const refreshing = model.refresh().then(() => {
      done = true;
    });
    const once = model.fetchOnce();
    await settle();
    // The refresh runs after the first fetch, not beside it.
    expect(model.calls).toBe(1);
    model.pending[0].resolve(1);
    await settle();
    expect(model.calls).toBe(2);
    expect(done).toBe(false);
    model.pending[0].resolve(2);
    await settle();
    model.pending[0].resolve(3);
    await Promise.all([refreshing, once]);
    expect(done).toBe(true);
    expect(model.overlapped).toBe(false);
    expect(model.result).toBe(3);
  });

  it('skips due fetches the model says are not worth making', async () => {
    const model = probe();
    model.fetching = false;
    model.setVisible(true);
    await settle();
    await model.refresh();
    expect(model.calls).toBe(0);
    expect(model.isBusy).toBe(false);
    model.fetching = true;
    const refreshing = model.refresh();
    await settle();
    expect(model.calls).toBe(1);
    model.pending[0].resolve(5);
    await refreshing;
    expect(model.result).toBe(5);
  });

  it('fetches again when the language changes, now while visible', async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    const model = probe({ i18n });
    // Nothing fetched yet: a new language asks for nothing.
    i18n.setting = 'en';
    await settle();
    expect(model.calls).toBe(0);

    model.setVisible(true);
    await settle();
    model.pending[0].resolve(1);
    await settle();
    i18n.setting = 'ja';
    await settle();
    expect(model.calls).toBe(2);
    model.pending[0].resolve(2);
    await settle();

    // Hidden: when a view appears again.
    model.setVisible(false);
    i18n.setting = 'en';
    await settle();
    expect(model.calls).toBe(2);
    model.setVisible(true);
    await settle();
    expect(model.calls).toBe(3);
  });

  it('keeps nothing and says nothing after disposal', async () => {
    const model = probe();
    let changes = 0;
    model.changed.connect(() => changes++);
    model.setVisible(true);
    await settle();
    const before = changes;
    const pending = model.pending[0];
    model.dispose();
    pending.resolve(9);
    await settle();
    expect(model.result).toBeNull();
    expect(changes).toBe(before);
    model.setVisible(true, 'again');
    await model.refresh();
    expect(model.calls).toBe(1);
  });

  it('polls at its own interval unless given a valid one', () => {
    expect(probe({ interval: 5_000 }).interval).toBe(5_000);
    expect(probe({ interval: -1 }).interval).toBe(60_000);
    const model = probe();
    expect(model.interval).toBe(60_000);
    model.interval = 0;
    model.interval = Number.NaN;
    expect(model.interval).toBe(60_000);
    model.interval = 5_000;
    expect(model.interval).toBe(5_000);
  });
});
