import React from 'react';

/**
 * Properties of {@link SectionToolbar}; the texts come translated from the caller.
 */
export interface ISectionToolbarProps {
  /** What comes before the note, e.g. a button that opens the main-area view. */
  start?: React.ReactNode;
  /** A short note that takes the free room, e.g. when the data was updated. */
  note?: React.ReactNode;
  /** A class of the note of its own (a browser test looks for it). */
  noteClassName?: string;
  /** What ends the row: the section's refresh button. */
  children?: React.ReactNode;
}

/**
 * The first row of a sidebar section: what it opens, a note taking the free
 * room, and its refresh button at the end.
 */
export function SectionToolbar(props: ISectionToolbarProps): JSX.Element {
  const noteClass = props.noteClassName
    ? `jp-Neuron-SectionToolbar-note ${props.noteClassName}`
    : 'jp-Neuron-SectionToolbar-note';
  return (
    <div className="jp-Neuron-SectionToolbar">
      {props.start}
      <span className={noteClass}>{props.note}</span>
      {props.children}
    </div>
  );
}
