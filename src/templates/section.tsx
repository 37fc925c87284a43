import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import type { NeuronPanel } from '../panel';
import type {
  INeuronEnvironment,
  INeuronI18n,
  INeuronTemplates
} from '../tokens';
import { TemplateDrafts } from './draft';
import { TemplatesView } from './TemplatesView';

/**
 * The templates section of the Neuron sidebar.
 *
 * @param templates - the templates service
 * @param environment - the environment, to mark simulated data early
 * @param rendermime - JupyterLab's renderers, for the explanations' Markdown
 */
export function createTemplatesSection(
  templates: INeuronTemplates,
  i18n: INeuronI18n,
  environment: INeuronEnvironment | null,
  rendermime: IRenderMimeRegistry | null
): NeuronPanel.ISection {
  const drafts = new TemplateDrafts({ templates, i18n });
  return {
    id: 'templates',
    label: trans => trans.__('Templates'),
    render: () => (
      <TemplatesView
        model={templates}
        drafts={drafts}
        translator={i18n}
        rendermime={rendermime}
        environment={environment}
      />
    ),
    setVisible: visible => templates.setVisible(visible)
  };
}
