import type { CommandRegistry } from '@lumino/commands';
import React from 'react';

import type { NeuronPanel } from '../panel';
import { CommandIDs, INeuronCompileCache, INeuronI18n } from '../tokens';
import { CacheSummaryView } from './view';

/**
 * The compile-cache section of the Neuron sidebar.
 *
 * @param model - the compile-cache model
 * @param i18n - the panel's language service
 * @param commands - the application's commands, to open the cache view
 */
export function createCompileCacheSection(
  model: INeuronCompileCache,
  i18n: INeuronI18n,
  commands?: CommandRegistry
): NeuronPanel.ISection {
  const openView = commands
    ? () => void commands.execute(CommandIDs.openCompileCache)
    : undefined;
  return {
    id: 'compile-cache',
    label: trans => trans.__('Compile cache'),
    render: () => (
      <CacheSummaryView model={model} translator={i18n} onOpenView={openView} />
    ),
    setVisible: visible => model.setVisible(visible, 'sidebar')
  };
}
