import { LabIcon } from '@jupyterlab/ui-components';

import neuronSvgstr from '../../style/icons/neuron.svg';

/**
 * The Neuron icon of the sidebar tab and the settings editor
 * (`jupyter.lab.setting-icon` refers to it by name).
 */
export const neuronIcon = new LabIcon({
  name: 'jupyterlab-neuron:neuron',
  svgstr: neuronSvgstr
});
