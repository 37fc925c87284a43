/**
 * The filters of the cache view: root, compiler version, state and a search
 * text.
 */

import React from 'react';

import { LabelledSelect } from '../../components';
import { ENTRY_STATES, stateLabel } from '../labels';
import { ICachePartProps } from './common';
import type * as CacheAPI from '../../api/cache';

/**
 * The filter bar; the versions offered are those of the chosen root.
 */
export function FilterBar(props: ICachePartProps): JSX.Element {
  const { list, trans } = props;
  const filters = list.filters;
  const roots = list.cache.status?.roots ?? [];
  const versionNames = new Set<string>();
  for (const root of roots) {
    if (filters.root === null || root.id === filters.root) {
      for (const version of root.versions) {
        versionNames.add(version.name);
      }
    }
  }
  if (filters.version) {
    versionNames.add(filters.version);
  }
  return (
    <div className="jp-Neuron-CacheFilters" role="search">
      <FilterSelect
        label={trans.__('Root')}
        ariaLabel={trans.__('Filter by root')}
        value={filters.root}
        allLabel={trans.__('All roots')}
        options={roots.map(root => [root.id, root.path])}
        onChange={root => list.setFilters({ root, version: null })}
      />
      <FilterSelect
        label={trans.__('Compiler version')}
        ariaLabel={trans.__('Filter by compiler version')}
        value={filters.version}
        allLabel={trans.__('All versions')}
        options={[...versionNames].map(name => [name, name])}
        onChange={version => list.setFilters({ version })}
      />
      <FilterSelect
        label={trans.__('State')}
        ariaLabel={trans.__('Filter by state')}
        value={filters.state}
        allLabel={trans.__('All states')}
        options={ENTRY_STATES.map(state => [state, stateLabel(state, trans)])}
        onChange={state =>
          list.setFilters({
            state: state as CacheAPI.EntryState | null
          })
        }
      />
      <label className="jp-Neuron-CacheFilters-text">
        <span>{trans.__('Search')}</span>
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={trans.__('Search entries')}
          placeholder={trans.__('Module or version name')}
          value={filters.text}
          onChange={event => list.setFilters({ text: event.target.value })}
        />
      </label>
    </div>
  );
}

/**
 * One filter: "all" (`null`) or one of the options (`[value, label]`).
 */
function FilterSelect(props: {
  label: string;
  ariaLabel: string;
  value: string | null;
  allLabel: string;
  options: [string, string][];
  onChange: (value: string | null) => void;
}): JSX.Element {
  return (
    <LabelledSelect
      label={props.label}
      ariaLabel={props.ariaLabel}
      value={props.value ?? ''}
      options={[['', props.allLabel], ...props.options]}
      onChange={value => props.onChange(value || null)}
    />
  );
}
