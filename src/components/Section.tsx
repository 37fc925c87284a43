import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import React, { useId, useState } from 'react';

/**
 * Properties of {@link Section}.
 */
export interface ISectionProps {
  /** The (translated) header text. */
  title: string;
  /** Whether the section starts open (default true). */
  defaultOpen?: boolean;
  /** Extra content at the end of the header, e.g. a count. */
  summary?: React.ReactNode;
  /** The section body. */
  children?: React.ReactNode;
}

/**
 * A titled block whose body can be folded away with its header button.
 */
export function Section(props: ISectionProps): JSX.Element {
  const [open, setOpen] = useState(props.defaultOpen ?? true);
  const bodyId = useId();
  const Caret = open ? caretDownIcon : caretRightIcon;
  return (
    <section className="jp-Neuron-Section">
      <button
        type="button"
        className="jp-Neuron-Section-header"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen(!open)}
      >
        <Caret.react tag="span" className="jp-Neuron-Section-caret" />
        <span className="jp-Neuron-Section-title">{props.title}</span>
        {props.summary !== undefined && (
          <span className="jp-Neuron-Section-summary">{props.summary}</span>
        )}
      </button>
      <div id={bodyId} className="jp-Neuron-Section-body" hidden={!open}>
        {props.children}
      </div>
    </section>
  );
}
