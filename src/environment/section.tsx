import React from 'react';

import type { NeuronPanel } from '../panel';
import type { INeuronEnvironment, INeuronI18n } from '../tokens';
import { EnvironmentView } from './EnvironmentView';

/**
 * The environment section of the Neuron sidebar.
 */
export function createEnvironmentSection(
  model: INeuronEnvironment,
  i18n: INeuronI18n
): NeuronPanel.ISection {
  return {
    id: 'environment',
    label: trans => trans.__('Environment'),
    render: () => <EnvironmentView model={model} translator={i18n} />,
    setVisible: visible => model.setVisible(visible)
  };
}
