/**
 * A table that renders only the rows in view, so 10,000+ rows scroll
 * smoothly: every row has the same height, the scroll area has the height of
 * all rows, and the rows in view (plus a few) are placed where they belong.
 */

import React, {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState
} from 'react';

/**
 * One column of a {@link VirtualTable}.
 */
export interface IVirtualTableColumn<T> {
  /** A stable id, also the `data-column` of its cells. */
  id: string;
  /** The header content (a string, or e.g. a checkbox). */
  header: React.ReactNode;
  /** The accessible name of the header when it is not text. */
  headerLabel?: string;
  /** The width of the column in pixels (its least width when it grows). */
  width: number;
  /** How much of the spare width the column takes (0 or absent: fixed). */
  grow?: number;
  /** Right-aligned numbers. */
  align?: 'start' | 'end';
  /** The sort key the header sorts by, when sortable. */
  sortKey?: string;
  /** The content of the column's cell in a row. */
  render: (row: T, index: number) => React.ReactNode;
}

/**
 * Properties of {@link VirtualTable}.
 */
export interface IVirtualTableProps<T> {
  /** How many rows the table has (most are not loaded nor rendered). */
  rowCount: number;
  /** The row at an index, `undefined` while it is not loaded. */
  getRow: (index: number) => T | undefined;
  /** A key of a loaded row (its id). */
  rowKey: (row: T) => string;
  /** The columns. */
  columns: IVirtualTableColumn<T>[];
  /** Pixels per row (also the header's height). */
  rowHeight?: number;
  /** Rows rendered above and below the ones in view. */
  overscan?: number;
  /** Told which rows are in view (`end` excluded), to load them. */
  onRangeChange?: (start: number, end: number) => void;
  /** The current sort, to mark its header. */
  sort?: { key: string; order: 'asc' | 'desc' };
  /** A sortable header was clicked. */
  onSort?: (key: string) => void;
  /** The index of the active (focused) row, or -1. */
  activeIndex?: number;
  /** A row was activated by a click or the arrow keys. */
  onActivate?: (
    index: number,
    event: React.MouseEvent | React.KeyboardEvent
  ) => void;
  /** Keys the table does not handle itself (e.g. space to select). */
  onKeyDown?: (event: React.KeyboardEvent, activeIndex: number) => void;
  /** Extra classes of a loaded row. */
  rowClassName?: (row: T, index: number) => string;
  /** Data attributes of a loaded row (for styles and tests). */
  rowData?: (row: T, index: number) => Record<string, string>;
  /** The content of a row that is not loaded yet. */
  placeholder?: React.ReactNode;
  /** Shown instead of rows when there are none. */
  empty?: React.ReactNode;
  /** The accessible name of the table. */
  label: string;
  /** Changing it scrolls back to the top (e.g. new filters). */
  resetKey?: number | string;
  /** The height assumed before it can be measured (default 480). */
  initialHeight?: number;
}

/**
 * The rows that need rendering for a scroll position.
 *
 * @returns `[start, end)`: the rows in view plus `overscan` on each side
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number
): [number, number] {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(rowCount, first + inView + overscan);
  return [Math.min(start, end), end];
}

/**
 * A virtualized table with a sticky header, sortable columns and keyboard
 * navigation (arrows, Page Up/Down, Home/End).
 */
export function VirtualTable<T>(props: IVirtualTableProps<T>): JSX.Element {
  const {
    rowCount,
    columns,
    getRow,
    rowKey,
    onRangeChange,
    sort,
    onSort,
    activeIndex = -1,
    onActivate
  } = props;
  const rowHeight = props.rowHeight ?? 28;
  const overscan = props.overscan ?? 8;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(props.initialHeight ?? 480);

  // The viewport height follows the widget's size.
  useLayoutEffect(() => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const measure = () => {
      // The header row sits inside the scroll area.
      const available = node.clientHeight - rowHeight;
      if (available > 0) {
        setHeight(available);
      }
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [rowHeight]);

  // New filters: back to the top.
  useEffect(() => {
    if (scroller.current) {
      scroller.current.scrollTop = 0;
    }
    setScrollTop(0);
  }, [props.resetKey]);

  const [start, end] = visibleRange(
    scrollTop,
    height,
    rowHeight,
    rowCount,
    overscan
  );

  useEffect(() => {
    onRangeChange?.(start, end);
  }, [start, end, onRangeChange]);

  const onScroll = useCallback((event: React.UIEvent<HTMLDivElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
  }, []);

  /** Scroll just enough to show a row. */
  const reveal = useCallback(
    (index: number) => {
      const node = scroller.current;
      if (!node) {
        return;
      }
      const top = index * rowHeight;
      if (top < node.scrollTop) {
        node.scrollTop = top;
      } else if (top + rowHeight > node.scrollTop + height) {
        node.scrollTop = top + rowHeight - height;
      }
      setScrollTop(node.scrollTop);
    },
    [rowHeight, height]
  );

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (rowCount === 0) {
      return;
    }
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        next = activeIndex + 1;
        break;
      case 'ArrowUp':
        next = activeIndex - 1;
        break;
      case 'PageDown':
        next = activeIndex + page;
        break;
      case 'PageUp':
        next = activeIndex - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rowCount - 1;
        break;
      default:
        props.onKeyDown?.(event, activeIndex);
        return;
    }
    event.preventDefault();
    const index = Math.min(rowCount - 1, Math.max(0, next));
    reveal(index);
    onActivate?.(index, event);
  };

  const template = gridTemplate(columns);
  const minWidth = columns.reduce((sum, column) => sum + column.width, 0);
  const rows: JSX.Element[] = [];
  for (let index = start; index < end; index++) {
    const row = getRow(index);
    const style: React.CSSProperties = {
      gridTemplateColumns: template,
      height: rowHeight,
      transform: `translateY(${index * rowHeight}px)`
    };
    const active = index === activeIndex;
    if (row === undefined) {
      rows.push(
        <div
          key={`placeholder-${index}`}
          role="row"
          aria-rowindex={index + 2}
          className="jp-Neuron-VirtualTable-row jp-Neuron-VirtualTable-placeholder"
          style={style}
        >
          <div role="gridcell" className="jp-Neuron-VirtualTable-cell">
            {props.placeholder ?? '…'}
          </div>
        </div>
      );
      continue;
    }
    const extra = props.rowClassName?.(row, index) ?? '';
    rows.push(
      <div
        key={rowKey(row)}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={active}
        data-index={index}
        {...dataAttributes(props.rowData?.(row, index))}
        className={`jp-Neuron-VirtualTable-row${active ? ' jp-mod-active' : ''}${extra ? ` ${extra}` : ''}`}
        style={style}
        onClick={event => onActivate?.(index, event)}
      >
        {columns.map(column => (
          <div
            key={column.id}
            role="gridcell"
            data-column={column.id}
            className={`jp-Neuron-VirtualTable-cell${column.align === 'end' ? ' jp-mod-end' : ''}`}
          >
            {column.render(row, index)}
          </div>
        ))}
      </div>
    );
  }

  return (
    <div
      className="jp-Neuron-VirtualTable"
      role="grid"
      aria-label={props.label}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
    >
      <div
        ref={scroller}
        className="jp-Neuron-VirtualTable-scroller"
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div
          role="row"
          aria-rowindex={1}
          className="jp-Neuron-VirtualTable-header"
          style={{ gridTemplateColumns: template, height: rowHeight, minWidth }}
        >
          {columns.map(column => (
            <HeaderCell
              key={column.id}
              column={column}
              sort={sort}
              onSort={onSort}
            />
          ))}
        </div>
        {rowCount === 0 && props.empty !== undefined ? (
          <div className="jp-Neuron-VirtualTable-empty">{props.empty}</div>
        ) : (
          <div
            role="rowgroup"
            className="jp-Neuron-VirtualTable-rows"
            style={{ height: rowCount * rowHeight, minWidth }}
          >
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}

function HeaderCell<T>(props: {
  column: IVirtualTableColumn<T>;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
}): JSX.Element {
  const { column, sort, onSort } = props;
  const sorted = column.sortKey !== undefined && sort?.key === column.sortKey;
  const className = `jp-Neuron-VirtualTable-headerCell${column.align === 'end' ? ' jp-mod-end' : ''}`;
  const ariaSort = sorted
    ? sort?.order === 'asc'
      ? 'ascending'
      : 'descending'
    : undefined;
  if (column.sortKey === undefined || !onSort) {
    return (
      <div
        role="columnheader"
        aria-label={column.headerLabel}
        data-column={column.id}
        className={className}
      >
        {column.header}
      </div>
    );
  }
  const sortKey = column.sortKey;
  return (
    <div
      role="columnheader"
      aria-sort={ariaSort}
      data-column={column.id}
      className={className}
    >
      <button
        type="button"
        className="jp-Neuron-VirtualTable-sort"
        onClick={() => onSort(sortKey)}
      >
        <span>{column.header}</span>
        <span className="jp-Neuron-VirtualTable-sortMark" aria-hidden="true">
          {sorted ? (sort?.order === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  );
}

/**
 * The CSS grid columns: fixed pixels, or at least that many and a share of
 * the spare width. Header and rows use the same template, so they line up
 * whatever their font sizes.
 */
export function gridTemplate<T>(columns: IVirtualTableColumn<T>[]): string {
  return columns
    .map(column =>
      column.grow
        ? `minmax(${column.width}px, ${column.grow}fr)`
        : `${column.width}px`
    )
    .join(' ');
}

function dataAttributes(
  data: Record<string, string> | undefined
): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(data ?? {})) {
    attributes[`data-${name}`] = value;
  }
  return attributes;
}
