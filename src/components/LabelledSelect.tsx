import React from 'react';

/**
 * Properties of {@link LabelledSelect}; the texts come translated from the caller.
 */
export interface ILabelledSelectProps {
  /** The visible label beside the list. */
  label: string;
  /** The accessible name, when it says more than the label. */
  ariaLabel?: string;
  /** A class of the label element, for the caller's layout. */
  className?: string;
  /** The chosen value. */
  value: string;
  /** The choices, `[value, label]`, in order. */
  options: ReadonlyArray<readonly [string, string]>;
  /** Called with the value chosen. */
  onChange: (value: string) => void;
}

/**
 * A drop-down list with its label in front of it (filters, time ranges).
 */
export function LabelledSelect(props: ILabelledSelectProps): JSX.Element {
  return (
    <label className={props.className}>
      <span>{props.label}</span>
      <select
        className="jp-mod-styled"
        aria-label={props.ariaLabel}
        value={props.value}
        onChange={event => props.onChange(event.currentTarget.value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
