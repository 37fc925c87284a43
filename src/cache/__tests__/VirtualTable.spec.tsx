import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import {
  IVirtualTableColumn,
  VirtualTable,
  gridTemplate,
  visibleRange
} from '../view/VirtualTable';

interface IRow {
  id: string;
  size: number;
}

const ROWS: IRow[] = Array.from({ length: 10_000 }, (_, index) => ({
  id: `row-${index}`,
  size: index * 10
}));

const COLUMNS: IVirtualTableColumn<IRow>[] = [
  { id: 'id', header: 'Name', width: 100, grow: 1, render: row => row.id },
  {
    id: 'size',
    header: 'Size',
    width: 80,
    align: 'end',
    sortKey: 'size',
    render: row => String(row.size)
  }
];

function renderedRows(container: HTMLElement): HTMLElement[] {
  return Array.from(
    container.querySelectorAll<HTMLElement>('.jp-Neuron-VirtualTable-row')
  );
}

function scrollTo(container: HTMLElement, top: number): void {
  const scroller = container.querySelector<HTMLElement>(
    '.jp-Neuron-VirtualTable-scroller'
  )!;
  act(() => {
    scroller.scrollTop = top;
    fireEvent.scroll(scroller);
  });
}

describe('gridTemplate', () => {
  it('gives every column its least width and shares the rest', () => {
    expect(gridTemplate(COLUMNS)).toBe('minmax(100px, 1fr) 80px');
  });
});

describe('visibleRange', () => {
  it('covers the rows in view plus the overscan, within bounds', () => {
    expect(visibleRange(0, 280, 28, 10_000, 5)).toEqual([0, 16]);
    expect(visibleRange(28 * 5000, 280, 28, 10_000, 5)).toEqual([4995, 5016]);
    expect(visibleRange(28 * 9995, 280, 28, 10_000, 5)).toEqual([9990, 10_000]);
    expect(visibleRange(0, 280, 28, 0, 5)).toEqual([0, 0]);
  });
});

describe('VirtualTable', () => {
  it('renders only a window of rows for 10,000 rows', () => {
    const ranges: [number, number][] = [];
    const { container } = render(
      <VirtualTable<IRow>
        label="Rows"
        rowCount={ROWS.length}
        getRow={index => ROWS[index]}
        rowKey={row => row.id}
        columns={COLUMNS}
        rowHeight={20}
        overscan={4}
        initialHeight={400}
        onRangeChange={(start, end) => ranges.push([start, end])}
      />
    );
    const rows = renderedRows(container);
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0].dataset.index).toBe('0');
    expect(ranges[ranges.length - 1]).toEqual([0, rows.length]);

    // The scroll area is as tall as every row, so the scrollbar is true.
    const body = container.querySelector<HTMLElement>(
      '.jp-Neuron-VirtualTable-rows'
    )!;
    expect(body.style.height).toBe(`${10_000 * 20}px`);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe(
      '10001'
    );

    scrollTo(container, 20 * 7_500);
    const moved = renderedRows(container);
    expect(moved.length).toBeLessThan(40);
    const indexes = moved.map(row => Number(row.dataset.index));
    expect(Math.min(...indexes)).toBe(7_496);
    expect(indexes).toContain(7_500);
    expect(moved[0].style.transform).toBe(`translateY(${7_496 * 20}px)`);
    expect(screen.getByText('row-7500')).toBeTruthy();
    expect(screen.queryByText('row-0')).toBeNull();
    expect(ranges[ranges.length - 1][0]).toBe(7_496);
  });

  it('shows placeholders for rows that are not loaded yet', () => {
    const { container } = render(
      <VirtualTable<IRow>
        label="Rows"
        rowCount={100}
        getRow={index => (index < 5 ? ROWS[index] : undefined)}
        rowKey={row => row.id}
        columns={COLUMNS}
        initialHeight={200}
        placeholder="Loading…"
      />
    );
    expect(screen.getByText('row-4')).toBeTruthy();
    expect(screen.getAllByText('Loading…').length).toBeGreaterThan(0);
    expect(
      container.querySelectorAll('.jp-Neuron-VirtualTable-placeholder').length
    ).toBe(renderedRows(container).length - 5);
  });

  it('sorts from sortable headers and marks the sorted one', () => {
    const onSort = jest.fn();
    render(
      <VirtualTable<IRow>
        label="Rows"
        rowCount={10}
        getRow={index => ROWS[index]}
        rowKey={row => row.id}
        columns={COLUMNS}
        sort={{ key: 'size', order: 'desc' }}
        onSort={onSort}
      />
    );
    const header = screen.getByRole('columnheader', { name: /Size/ });
    expect(header.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(onSort).toHaveBeenCalledWith('size');
    // "Name" is not sortable: no button.
    expect(screen.queryByRole('button', { name: /Name/ })).toBeNull();
  });

  it('moves the active row with the keyboard and passes other keys on', () => {
    const onActivate = jest.fn();
    const onKeyDown = jest.fn();
    const { container } = render(
      <VirtualTable<IRow>
        label="Rows"
        rowCount={10_000}
        getRow={index => ROWS[index]}
        rowKey={row => row.id}
        columns={COLUMNS}
        rowHeight={20}
        initialHeight={200}
        activeIndex={3}
        onActivate={index => onActivate(index)}
        onKeyDown={(event, index) => onKeyDown(event.key, index)}
      />
    );
    const scroller = container.querySelector<HTMLElement>(
      '.jp-Neuron-VirtualTable-scroller'
    )!;
    expect(
      container.querySelector('[data-index="3"]')?.getAttribute('aria-selected')
    ).toBe('true');
    fireEvent.keyDown(scroller, { key: 'ArrowDown' });
    expect(onActivate).toHaveBeenLastCalledWith(4);
    fireEvent.keyDown(scroller, { key: 'End' });
    expect(onActivate).toHaveBeenLastCalledWith(9_999);
    // The last row is scrolled into view.
    expect(scroller.scrollTop).toBe(9_999 * 20 + 20 - 200);
    fireEvent.keyDown(scroller, { key: ' ' });
    expect(onKeyDown).toHaveBeenCalledWith(' ', 3);
  });
});
