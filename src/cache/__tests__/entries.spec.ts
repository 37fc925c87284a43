import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { settle, waitFor } from '../../__tests__/waiting';
import { CacheEntryListModel } from '../entries';
import { CacheModel } from '../model';
import { FakeCompileCache } from './fakeCache';

describe('CacheEntryListModel', () => {
  let server: FakeServer;
  let fake: FakeCompileCache;
  let cache: CacheModel;
  let list: CacheEntryListModel;

  function pageRequests() {
    return server.requestsTo('cache/entries');
  }

  function createList(count: number, blockSize = 100): CacheEntryListModel {
    fake = new FakeCompileCache(server, count);
    cache = new CacheModel({
      serverSettings: server.serverSettings,
      interval: 60_000
    });
    list = new CacheEntryListModel({ cache, blockSize, textDelay: 10 });
    return list;
  }

  beforeEach(() => {
    server = new FakeServer();
  });

  afterEach(() => {
    list?.dispose();
    cache?.dispose();
  });

  it('loads nothing until its view is visible', async () => {
    createList(500);
    list.setRange(0, 40);
    await settle();
    expect(server.requests).toEqual([]);
    expect(list.total).toBeNull();
  });

  it('loads only the blocks of the rows in view, of 10,000 entries', async () => {
    createList(10_000);
    list.setVisible(true);
    list.setRange(0, 40);
    await waitFor(list, () => list.total !== null);
    await list.whenIdle();
    expect(list.total).toBe(10_000);
    expect(pageRequests().map(r => r.query.get('offset'))).toEqual(['0']);
    expect(pageRequests()[0].query.get('limit')).toBe('100');
    expect(list.entryAt(0)?.id).toBe(fake.entries[0].id);
    expect(list.entryAt(150)).toBeUndefined();

    // Scrolling to the middle loads the two blocks holding the rows in view.
    list.setRange(5_050, 5_130);
    await list.whenIdle();
    expect(pageRequests().map(r => r.query.get('offset'))).toEqual([
      '0',
      '5000',
      '5100'
    ]);
    // Sorted by last use, most recent first: the fake's index order.
    expect(list.entryAt(5_050)?.id).toBe(fake.entries[5_050].id);
    expect(list.entryAt(5_129)?.id).toBe(fake.entries[5_129].id);

    // Rows already loaded are not asked for again.
    list.setRange(5_000, 5_080);
    await list.whenIdle();
    expect(pageRequests()).toHaveLength(3);
  });

  it('keeps a bounded number of blocks', async () => {
    createList(10_000, 10);
    list.setVisible(true);
    for (let start = 0; start < 2_000; start += 20) {
      list.setRange(start, start + 20);
      await list.whenIdle();
    }
    const loaded = Array.from({ length: 10_000 }, (_, i) => i).filter(
      i => list.entryAt(i) !== undefined
    ).length;
    expect(loaded).toBeLessThanOrEqual(CacheEntryListModel.MAX_BLOCKS * 10);
    expect(list.entryAt(1_990)).toBeDefined();
    expect(list.entryAt(0)).toBeUndefined();
  });

  it('starts over at the top when a filter changes', async () => {
    createList(1_000);
    list.setVisible(true);
    list.setRange(500, 540);
    await list.whenIdle();
    let restarts = 0;
    list.queryChanged.connect(() => (restarts += 1));

    list.setFilters({ state: 'failed' });
    expect(list.total).toBeNull();
    await waitFor(list, () => list.total !== null);
    await list.whenIdle();

    expect(restarts).toBe(1);
    const last = pageRequests()[pageRequests().length - 1];
    expect(last.query.get('state')).toBe('failed');
    expect(last.query.get('offset')).toBe('0');
    expect(list.total).toBe(100);
    expect(list.entryAt(0)?.state).toBe('failed');
    expect(list.entryAt(99)?.state).toBe('failed');
  });

  it('waits for a pause in typing before filtering by text', async () => {
    createList(300);
    list.setVisible(true);
    list.setRange(0, 40);
    await list.whenIdle();
    const before = pageRequests().length;

    list.setFilters({ text: '0' });
    list.setFilters({ text: '00' });
    list.setFilters({ text: '00000000000000000012' });
    expect(list.filters.text).toBe('00000000000000000012');
    expect(pageRequests()).toHaveLength(before);

    await waitFor(list, () => list.total === 1);
    expect(pageRequests()).toHaveLength(before + 1);
    expect(pageRequests()[before].query.get('q')).toBe('00000000000000000012');
    expect(list.entryAt(0)?.module).toContain('00000000000000000012');
  });

  it('sorts by size, largest first, and reverses on a second click', async () => {
    createList(300);
    list.setVisible(true);
    list.setRange(0, 20);
    await list.whenIdle();

    list.setSort('bytes');
    await waitFor(list, () => list.total !== null);
    await list.whenIdle();
    expect(list.sort).toEqual({ key: 'bytes', order: 'desc' });
    expect(list.entryAt(0)!.bytes).toBeGreaterThanOrEqual(
      list.entryAt(1)!.bytes
    );

    list.setSort('bytes');
    await waitFor(list, () => list.total !== null);
    await list.whenIdle();
    expect(list.sort.order).toBe('asc');
    expect(list.entryAt(0)!.state).toBe('failed'); // failed entries are tiny
    const last = pageRequests()[pageRequests().length - 1];
    expect(last.query.get('sort')).toBe('bytes');
    expect(last.query.get('order')).toBe('asc');
  });

  it('loads the rows in view again when the cache changes', async () => {
    createList(300);
    list.setVisible(true);
    list.setRange(0, 40);
    await list.whenIdle();
    const first = list.entryAt(0);

    // The cache is cleaned elsewhere: the status poll sees a new revision.
    fake.entries = fake.entries.slice(1);
    fake.touch();
    await cache.refresh();
    await list.whenIdle();
    await settle();

    expect(list.total).toBe(299);
    expect(list.entryAt(0)?.id).not.toBe(first?.id);
    expect(list.revision).toBe(fake.status().revision);
  });

  it('does not load pages for a change while hidden, and does when shown again', async () => {
    createList(300);
    list.setVisible(true);
    list.setRange(0, 40);
    await list.whenIdle();
    await cache.refresh();
    await list.whenIdle();
    list.setVisible(false);
    const before = pageRequests().length;

    fake.entries = fake.entries.slice(5);
    fake.touch();
    // Another view (the sidebar) sees the change.
    cache.setVisible(true, 'sidebar');
    await cache.refresh();
    await settle();
    expect(pageRequests()).toHaveLength(before);

    list.setVisible(true);
    await waitFor(list, () => list.total === 295);
  });

  it('reloads everything when a page comes from a newer scan', async () => {
    createList(300);
    list.setVisible(true);
    list.setRange(90, 130);
    await list.whenIdle();
    expect(pageRequests()).toHaveLength(2);

    fake.entries = fake.entries.slice(10);
    fake.touch();
    list.setRange(150, 230); // block 2 is new and comes from the newer scan
    await list.whenIdle();
    await settle();
    const offsets = pageRequests().map(r => r.query.get('offset'));
    // Block 1 was loaded again because block 2 revealed the new revision.
    expect(offsets.slice(2).sort()).toEqual(['100', '200']);
    expect(list.entryAt(150)?.id).toBe(fake.entries[150].id);
  });

  it('shows the server message when a page fails', async () => {
    createList(10);
    server.routes.set(
      'cache/entries',
      jsonResponse(400, { message: 'Invalid value for state: melted' })
    );
    list.setVisible(true);
    list.setRange(0, 10);
    await waitFor(list, () => list.error !== null);
    expect(list.error).toBe('Invalid value for state: melted');
  });

  describe('selection', () => {
    beforeEach(async () => {
      createList(300);
      list.setVisible(true);
      list.setRange(0, 40);
      await list.whenIdle();
    });

    it('selects and unselects entries and adds up their sizes', () => {
      const a = list.entryAt(0)!;
      const b = list.entryAt(1)!;
      list.toggle(a);
      list.toggle(b);
      expect(list.selectedCount).toBe(2);
      expect(list.selectedBytes).toBe(a.bytes + b.bytes);
      list.toggle(a);
      expect([...list.selectedIds]).toEqual([b.id]);
    });

    it('never selects an entry that is compiling', () => {
      const compiling = list.entryAt(3)!;
      expect(compiling.protected).toBe('compiling');
      list.toggle(compiling);
      list.selectRange(0, 5);
      expect(list.isSelected(compiling.id)).toBe(false);
      expect(list.selectedCount).toBe(5);
    });

    it('selects every matching entry that can be removed, page by page', async () => {
      list.setFilters({ state: 'failed' });
      await list.whenIdle();
      const count = await list.selectAllMatching();
      expect(count).toBe(30);
      expect(
        list.selectedEntries.every(entry => entry.state === 'failed')
      ).toBe(true);
      const requests = pageRequests().filter(
        r => r.query.get('limit') === '1000'
      );
      expect(requests).toHaveLength(1);
      expect(requests[0].query.get('state')).toBe('failed');
    });

    it('forgets removed entries', () => {
      const a = list.entryAt(0)!;
      const b = list.entryAt(1)!;
      list.toggle(a);
      list.toggle(b);
      list.forget([a.id, 'unknown']);
      expect([...list.selectedIds]).toEqual([b.id]);
    });
  });

  it('loads the detail of the active entry, ignoring late answers', async () => {
    createList(300);
    const failed = fake.entries[7];
    const other = fake.entries[17];
    fake.serveDetail(failed, 'ERROR 4821 [neuronx-cc]: Failed compilation');
    fake.serveDetail(
      other,
      'ERROR 17301 [neuronx-cc]: Estimated peak HBM usage'
    );
    list.setActive(failed.id);
    expect(list.detailState).toBe('loading');
    list.setActive(other.id);
    await waitFor(list, () => list.detailState === 'ready');
    await settle();
    expect(list.detail?.id).toBe(other.id);
    expect(list.detail?.log_tail).toContain('HBM');

    list.setActive('v1:MODULE_gone');
    await waitFor(list, () => list.detailState === 'error');
    // (The fake server has no route for it: a 404 no handler of ours wrote.)
    expect(list.detailError).toContain('server extension did not answer');
  });
});
