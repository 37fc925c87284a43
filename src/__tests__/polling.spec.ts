import { VisiblePoller } from '../polling';

/**
 * A poller whose fetches the test resolves by hand, one at a time.
 */
function poller(options: { current?: () => boolean } = {}) {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let active = 0;
  let overlapped = false;
  const fetch = jest.fn(
    () =>
      new Promise<void>((resolve, reject) => {
        active++;
        overlapped = overlapped || active > 1;
        pending.push({
          resolve: () => {
            active--;
            made.fetched();
            resolve();
          },
          reject: error => {
            active--;
            reject(error);
          }
        });
      })
  );
  const made = new VisiblePoller({
    name: 'test',
    interval: 60_000,
    maxBackoff: 300_000,
    fetch,
    isCurrent: options.current ?? (() => true)
  });
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
  };
  return { made, fetch, pending, settle, overlapped: () => overlapped };
}

describe('VisiblePoller', () => {
  it('fetches nothing until a view shows the result, then once', async () => {
    const { made, fetch, pending, settle } = poller();
    await settle();
    expect(fetch).not.toHaveBeenCalled();
    made.setVisible(true, 'panel');
    made.setVisible(true, 'dashboard');
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(made.isVisible).toBe(true);
    pending.shift()!.resolve();
    await settle();

    // Hidden and shown again while current: nothing more to fetch.
    made.setVisible(false, 'panel');
    expect(made.isVisible).toBe(true);
    made.setVisible(false, 'dashboard');
    expect(made.isVisible).toBe(false);
    made.setVisible(true, 'panel');
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    made.dispose();
  });

  it('fetches on show what went out of date while hidden', async () => {
    const { made, fetch, pending, settle } = poller();
    made.setVisible(true);
    await settle();
    pending.shift()!.resolve();
    await settle();
    made.setVisible(false);

    // Asked while nothing shows it: done when a view appears.
    await made.refresh();
    made.refreshSoon();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    made.setVisible(true);
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);
    pending.shift()!.resolve();
    await settle();
    made.dispose();
  });

  it('fetches again on show after a failed fetch', async () => {
    let current = true;
    const { made, fetch, pending, settle } = poller({
      current: () => current
    });
    made.setVisible(true);
    await settle();
    current = false;
    pending.shift()!.reject(new Error('HTTP 500'));
    await settle();
    made.setVisible(false);
    made.setVisible(true);
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);
    made.dispose();
  });

  it('waits for a refresh while visible, and never overlaps fetches', async () => {
    const { made, fetch, pending, settle, overlapped } = poller();
    made.setVisible(true);
    await settle();
    let done = false;
    const refreshing = made.refresh().then(() => {
      done = true;
    });
    await settle();
    // The refresh runs after the first fetch, not beside it.
    expect(fetch).toHaveBeenCalledTimes(1);
    pending.shift()!.resolve();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(done).toBe(false);
    pending.shift()!.resolve();
    await refreshing;
    expect(done).toBe(true);
    expect(overlapped()).toBe(false);
    made.dispose();
  });

  it('ignores an invalid interval', () => {
    const { made } = poller();
    made.interval = 0;
    made.interval = Number.NaN;
    expect(made.interval).toBe(60_000);
    made.interval = 5_000;
    expect(made.interval).toBe(5_000);
    made.dispose();
    expect(made.isDisposed).toBe(true);
  });
});
