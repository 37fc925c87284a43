import React from 'react';

/**
 * A header cell of a {@link DataTable}: its (translated) text, or a label
 * with a class of its own (`jp-Neuron-Number` right-aligns figures).
 */
export type DataTableColumn =
  string | { label: React.ReactNode; className?: string };

/**
 * Properties of {@link DataTable}.
 */
export interface IDataTableProps {
  /** The table's own class, beside `jp-Neuron-Table`. */
  className: string;
  /** The header cells, in order. */
  columns: DataTableColumn[];
  /** The rows: `<tr>` elements with one cell per column. */
  children?: React.ReactNode;
}

/**
 * A table with one header row that keeps whole words and scrolls sideways
 * when the sidebar is narrow.
 */
export function DataTable(props: IDataTableProps): JSX.Element {
  return (
    <div className="jp-Neuron-TableScroll">
      <table className={`jp-Neuron-Table ${props.className}`}>
        <thead>
          <tr>
            {props.columns.map((column, index) =>
              typeof column === 'string' ? (
                <th scope="col" key={index}>
                  {column}
                </th>
              ) : (
                <th scope="col" key={index} className={column.className}>
                  {column.label}
                </th>
              )
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
