/**
 * The entry list of the cache view: filters, sort, the pages a virtualized
 * table needs, the selection and the entry shown in detail.
 */

import type { ITranslator } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Debouncer } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { describeRequestError } from '../request';
import { INeuronCompileCache, TRANSLATION_DOMAIN } from '../tokens';
import type * as CacheAPI from '../api/cache';

type Entry = CacheAPI.Entry;

/**
 * The filters of the entry list (`null`: any).
 */
export interface ICacheFilters {
  /** A root id. */
  root: string | null;
  /** A compiler-version folder name. */
  version: string | null;
  /** An entry state. */
  state: CacheAPI.EntryState | null;
  /** Text found in the module, version or id. */
  text: string;
}

/**
 * The order of the entry list.
 */
export interface ICacheSort {
  key: CacheAPI.SortKey;
  order: 'asc' | 'desc';
}

/**
 * Where the detail of the active entry stands.
 */
export type EntryDetailState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The entries of the compile caches as one long list, loaded in blocks.
 *
 * A view tells the model which rows it shows (`setRange`); the model loads
 * the blocks holding them (one `GET cache/entries` page each) and keeps a
 * bounded number of blocks. When the cache changes (a new revision) the
 * blocks in view are loaded again, the old rows staying on screen meanwhile.
 * Changing a filter or the order starts over from the top.
 */
export class CacheEntryListModel implements IDisposable {
  constructor(options: CacheEntryListModel.IOptions) {
    this._cache = options.cache;
    this._translator = options.translator ?? null;
    this._blockSize = Math.min(
      1000,
      Math.max(10, options.blockSize ?? CacheEntryListModel.DEFAULT_BLOCK_SIZE)
    );
    this._viewer = options.viewer ?? `entries-${++viewerCount}`;
    this._textDebouncer = new Debouncer(
      () => this._applyText(),
      options.textDelay ?? 250
    );
    this._cache.revisionChanged.connect(this._onRevision, this);
  }

  /**
   * The cache model the entries come from.
   */
  get cache(): INeuronCompileCache {
    return this._cache;
  }

  get filters(): Readonly<ICacheFilters> {
    return this._filters;
  }

  get sort(): Readonly<ICacheSort> {
    return this._sort;
  }

  /**
   * Entries matching the filters, `null` until the first page arrives.
   */
  get total(): number | null {
    return this._total;
  }

  /**
   * The cache revision of the newest page.
   */
  get revision(): string | null {
    return this._revision;
  }

  /**
   * Rows fetched per request.
   */
  get blockSize(): number {
    return this._blockSize;
  }

  /**
   * Whether a page is being loaded.
   */
  get isLoading(): boolean {
    return this._inflight.size > 0;
  }

  /**
   * The (translated) message of the last failed page, else `null`.
   */
  get error(): string | null {
    return this._error;
  }

  get isVisible(): boolean {
    return this._visible;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Emitted after any change (rows, total, selection, detail, filters).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted when filters or order change: the list starts over at the top.
   */
  get queryChanged(): ISignal<this, void> {
    return this._queryChanged;
  }

  /**
   * The query of the current filters and order (without paging).
   */
  get query(): CacheAPI.EntryQuery {
    const { root, version, state } = this._filters;
    return {
      roots: root ? [root] : [],
      versions: version ? [version] : [],
      states: state ? [state] : [],
      text: this._appliedText,
      sort: this._sort.key,
      order: this._sort.order
    };
  }

  /**
   * Change filters. Text changes are applied after a short pause in typing.
   */
  setFilters(changes: Partial<ICacheFilters>): void {
    const next = { ...this._filters, ...changes };
    const textChanged = next.text !== this._filters.text;
    const otherChanged =
      next.root !== this._filters.root ||
      next.version !== this._filters.version ||
      next.state !== this._filters.state;
    if (!textChanged && !otherChanged) {
      return;
    }
    this._filters = next;
    if (otherChanged) {
      // The text typed so far goes with them.
      this._textDebouncer.stop();
      this._appliedText = next.text.trim();
      this._restart();
    } else {
      this._changed.emit();
      void this._textDebouncer.invoke();
    }
  }

  /**
   * Sort by `key`; the same key again reverses the order. Sizes and times
   * start with the largest / most recent.
   */
  setSort(key: CacheAPI.SortKey, order?: 'asc' | 'desc'): void {
    const nextOrder =
      order ??
      (key === this._sort.key
        ? this._sort.order === 'asc'
          ? 'desc'
          : 'asc'
        : DESCENDING_FIRST.has(key)
          ? 'desc'
          : 'asc');
    if (key === this._sort.key && nextOrder === this._sort.order) {
      return;
    }
    this._sort = { key, order: nextOrder };
    this._restart();
  }

  /**
   * Tell the model whether its view is on screen: the cache is polled for
   * changes only then, and pages are loaded only then.
   */
  setVisible(visible: boolean): void {
    if (this._isDisposed || visible === this._visible) {
      return;
    }
    this._visible = visible;
    this._cache.setVisible(visible, this._viewer);
    if (visible) {
      this._loadRange();
    }
  }

  /**
   * The entry at a row, `undefined` while its block is not loaded.
   */
  entryAt(index: number): Entry | undefined {
    const block = this._blocks.get(Math.floor(index / this._blockSize));
    return block?.items[index % this._blockSize];
  }

  /**
   * The rows the view shows, `start` included, `end` excluded. Loads the
   * blocks holding them that are missing or out of date.
   */
  setRange(start: number, end: number): void {
    const from = Math.max(0, Math.floor(start));
    const to = Math.max(from, Math.ceil(end));
    if (from === this._range[0] && to === this._range[1]) {
      return;
    }
    this._range = [from, to];
    this._loadRange();
  }

  /**
   * Load the rows in view again (e.g. after a clean).
   */
  reload(): void {
    for (const block of this._blocks.values()) {
      block.stale = true;
    }
    this._loadRange();
  }

  /**
   * Wait until no page is loading (for tests and actions).
   */
  async whenIdle(): Promise<void> {
    while (this._inflight.size > 0) {
      await Promise.all([...this._inflight.values()]);
    }
  }

  /* ----------------------------------------------------------- selection -- */

  /**
   * Ids of the selected entries.
   */
  get selectedIds(): ReadonlySet<string> {
    return new Set(this._selection.keys());
  }

  /**
   * How many entries are selected.
   */
  get selectedCount(): number {
    return this._selection.size;
  }

  /**
   * The selected entries, as they were when selected.
   */
  get selectedEntries(): Entry[] {
    return [...this._selection.values()];
  }

  /**
   * Total bytes of the selected entries.
   */
  get selectedBytes(): number {
    let bytes = 0;
    for (const entry of this._selection.values()) {
      bytes += entry.bytes;
    }
    return bytes;
  }

  isSelected(id: string): boolean {
    return this._selection.has(id);
  }

  /**
   * Select or unselect one entry. Entries compiling or in use cannot be
   * selected: they cannot be removed.
   */
  toggle(entry: Entry, selected = !this._selection.has(entry.id)): void {
    if (selected && entry.protected) {
      return;
    }
    if (selected) {
      this._selection.set(entry.id, entry);
    } else if (!this._selection.delete(entry.id)) {
      return;
    }
    this._changed.emit();
  }

  /**
   * Select (or unselect) the loaded rows between two indexes, both included.
   */
  selectRange(from: number, to: number, selected = true): void {
    const low = Math.max(0, Math.min(from, to));
    const high = Math.max(from, to);
    let changed = false;
    for (let index = low; index <= high; index++) {
      const entry = this.entryAt(index);
      if (!entry || (selected && entry.protected)) {
        continue;
      }
      if (selected && !this._selection.has(entry.id)) {
        this._selection.set(entry.id, entry);
        changed = true;
      } else if (!selected && this._selection.delete(entry.id)) {
        changed = true;
      }
    }
    if (changed) {
      this._changed.emit();
    }
  }

  /**
   * Select every entry matching the filters that can be removed (loading
   * them in pages of 1000). Resolves with the number selected.
   */
  async selectAllMatching(): Promise<number> {
    const query = this.query;
    const generation = this._generation;
    const found: Entry[] = [];
    let offset = 0;
    let total = Infinity;
    while (offset < total) {
      const page = await this._cache.listEntries({
        ...query,
        offset,
        limit: 1000
      });
      if (this._isDisposed || generation !== this._generation) {
        return 0;
      }
      total = page.total;
      found.push(...page.items);
      if (page.items.length === 0) {
        break;
      }
      offset += page.items.length;
    }
    let count = 0;
    for (const entry of found) {
      if (!entry.protected) {
        this._selection.set(entry.id, entry);
        count += 1;
      }
    }
    this._changed.emit();
    return count;
  }

  clearSelection(): void {
    if (this._selection.size > 0) {
      this._selection.clear();
      this._changed.emit();
    }
  }

  /**
   * Drop ids from the selection (e.g. the entries just removed).
   */
  forget(ids: Iterable<string>): void {
    let changed = false;
    for (const id of ids) {
      changed = this._selection.delete(id) || changed;
    }
    if (changed) {
      this._changed.emit();
    }
  }

  /* -------------------------------------------------------------- detail -- */

  /**
   * The id of the entry shown in detail.
   */
  get activeId(): string | null {
    return this._activeId;
  }

  get detail(): CacheAPI.EntryDetail | null {
    return this._detail;
  }

  get detailState(): EntryDetailState {
    return this._detailState;
  }

  get detailError(): string | null {
    return this._detailError;
  }

  /**
   * Show an entry in detail (its files, flags and log tail), or none.
   */
  setActive(id: string | null): void {
    if (id === this._activeId) {
      return;
    }
    this._activeId = id;
    this._detail = null;
    this._detailError = null;
    this._detailState = id ? 'loading' : 'idle';
    this._changed.emit();
    if (id) {
      void this._loadDetail(id);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._visible) {
      this._cache.setVisible(false, this._viewer);
    }
    this._cache.revisionChanged.disconnect(this._onRevision, this);
    this._textDebouncer.dispose();
    Signal.clearData(this);
  }

  /* ------------------------------------------------------------- private -- */

  private _applyText(): void {
    const text = this._filters.text.trim();
    if (text !== this._appliedText) {
      this._appliedText = text;
      this._restart();
    }
  }

  /**
   * Forget every block and load the first rows of the new query.
   */
  private _restart(): void {
    this._generation += 1;
    this._blocks.clear();
    this._inflight.clear();
    this._total = null;
    this._error = null;
    const length = Math.max(this._range[1] - this._range[0], this._blockSize);
    this._range = [0, length];
    this._queryChanged.emit();
    this._changed.emit();
    this._loadRange();
  }

  private _onRevision(_: INeuronCompileCache, revision: string): void {
    if (revision === this._revision) {
      return;
    }
    this._revision = revision;
    for (const block of this._blocks.values()) {
      block.stale = true;
    }
    if (this._visible) {
      this._loadRange();
      if (this._activeId) {
        void this._loadDetail(this._activeId);
      }
    }
  }

  private _loadRange(): void {
    if (!this._visible || this._isDisposed) {
      return;
    }
    const [start, end] = this._range;
    const first = Math.floor(start / this._blockSize);
    let last = Math.floor(Math.max(start, end - 1) / this._blockSize);
    if (this._total !== null) {
      // Nothing beyond the last row (but always the first block).
      last = Math.min(
        last,
        Math.max(0, Math.ceil(this._total / this._blockSize) - 1)
      );
    }
    for (let index = first; index <= last; index++) {
      const block = this._blocks.get(index);
      if ((!block || block.stale) && !this._inflight.has(index)) {
        this._loadBlock(index);
      }
    }
    this._evict();
  }

  private _loadBlock(index: number): void {
    const generation = this._generation;
    const request = this._cache
      .listEntries({
        ...this.query,
        offset: index * this._blockSize,
        limit: this._blockSize
      })
      .then(
        page => {
          if (this._isDisposed || generation !== this._generation) {
            return;
          }
          this._inflight.delete(index);
          this._error = null;
          this._total = page.total;
          this._blocks.set(index, { items: page.items, stale: false });
          this._evict();
          if (this._revision !== null && page.revision !== this._revision) {
            // The cache changed between pages: what else is loaded is older.
            for (const [other, block] of this._blocks) {
              if (other !== index) {
                block.stale = true;
              }
            }
          }
          const revisionChanged = page.revision !== this._revision;
          this._revision = page.revision;
          this._changed.emit();
          if (revisionChanged) {
            this._loadRange();
          }
        },
        reason => {
          if (this._isDisposed || generation !== this._generation) {
            return;
          }
          this._inflight.delete(index);
          this._error = this._describe(reason);
          this._changed.emit();
        }
      );
    this._inflight.set(index, request);
    if (this._inflight.size === 1) {
      this._changed.emit();
    }
  }

  /**
   * Keep at most `MAX_BLOCKS` blocks, dropping those farthest from view.
   */
  private _evict(): void {
    const first = Math.floor(this._range[0] / this._blockSize);
    const last = Math.floor(
      Math.max(this._range[0], this._range[1] - 1) / this._blockSize
    );
    const excess = this._blocks.size - CacheEntryListModel.MAX_BLOCKS;
    if (excess <= 0) {
      return;
    }
    const distance = (index: number) =>
      index < first ? first - index : index > last ? index - last : 0;
    const farthest = [...this._blocks.keys()]
      .filter(index => distance(index) > 0)
      .sort((a, b) => distance(b) - distance(a))
      .slice(0, excess);
    for (const index of farthest) {
      this._blocks.delete(index);
    }
  }

  private async _loadDetail(id: string): Promise<void> {
    const request = ++this._detailRequest;
    try {
      const detail = await this._cache.entryDetail(id);
      if (this._isDisposed || request !== this._detailRequest) {
        return;
      }
      this._detail = detail;
      this._detailError = null;
      this._detailState = 'ready';
    } catch (reason) {
      if (this._isDisposed || request !== this._detailRequest) {
        return;
      }
      this._detail = null;
      this._detailError = this._describe(reason);
      this._detailState = 'error';
    }
    this._changed.emit();
  }

  private _describe(reason: unknown): string {
    return describeRequestError(
      reason,
      this._translator?.load(TRANSLATION_DOMAIN)
    );
  }

  private _cache: INeuronCompileCache;
  private _translator: ITranslator | null;
  private _blockSize: number;
  private _viewer: string;
  private _textDebouncer: Debouncer;
  private _filters: ICacheFilters = {
    root: null,
    version: null,
    state: null,
    text: ''
  };
  private _appliedText = '';
  private _sort: ICacheSort = { key: 'last_used', order: 'desc' };
  private _total: number | null = null;
  private _revision: string | null = null;
  private _error: string | null = null;
  private _visible = false;
  private _range: [number, number] = [0, 0];
  private _generation = 0;
  private _blocks = new Map<number, { items: Entry[]; stale: boolean }>();
  private _inflight = new Map<number, Promise<void>>();
  private _selection = new Map<string, Entry>();
  private _activeId: string | null = null;
  private _detail: CacheAPI.EntryDetail | null = null;
  private _detailState: EntryDetailState = 'idle';
  private _detailError: string | null = null;
  private _detailRequest = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _queryChanged = new Signal<this, void>(this);
}

/**
 * The namespace for `CacheEntryListModel` statics.
 */
export namespace CacheEntryListModel {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The compile-cache model. */
    cache: INeuronCompileCache;
    /** Translates messages of failures not written by the server. */
    translator?: ITranslator | null;
    /** Rows per request (10 to 1000, default 200). */
    blockSize?: number;
    /** Milliseconds of pause in typing before the text filter applies. */
    textDelay?: number;
    /** The name this list uses to tell the cache model it is visible. */
    viewer?: string;
  }

  /** Default rows per request: a few screens of rows. */
  export const DEFAULT_BLOCK_SIZE = 200;

  /** Blocks kept in memory; farther ones are loaded again when needed. */
  export const MAX_BLOCKS = 30;
}

/** Keys whose natural first order is the largest / most recent. */
const DESCENDING_FIRST = new Set<CacheAPI.SortKey>([
  'bytes',
  'last_used',
  'created'
]);

/** Numbers the default viewer names of entry lists. */
let viewerCount = 0;
