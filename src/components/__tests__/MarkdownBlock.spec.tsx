import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { act, render } from '@testing-library/react';
import React from 'react';

import { MarkdownBlock } from '../MarkdownBlock';

/**
 * Renderers standing in for JupyterLab's: the Markdown one writes the
 * source into a `<p>`, and records what it was asked to render.
 */
function fakeRendermime(mimeTypes: string[]) {
  const models: { data: Record<string, unknown>; trusted: boolean }[] = [];
  const registry = {
    mimeTypes,
    createModel: (options: {
      data: Record<string, unknown>;
      trusted: boolean;
    }) => {
      models.push(options);
      return options;
    },
    createRenderer: () => {
      const node = document.createElement('p');
      return {
        node,
        renderModel: async (model: { data: Record<string, unknown> }) => {
          node.textContent = `rendered: ${String(model.data['text/markdown'])}`;
        },
        dispose: jest.fn()
      };
    }
  };
  return { registry: registry as unknown as IRenderMimeRegistry, models };
}

describe('MarkdownBlock', () => {
  it('shows the source as it is without a Markdown renderer', () => {
    const { container } = render(
      <MarkdownBlock source="**bold** `code`" rendermime={null} />
    );
    const block = container.querySelector('.jp-Neuron-Markdown')!;
    expect(block.classList).toContain('jp-Neuron-Markdown-plain');
    expect(block.textContent).toBe('**bold** `code`');

    const { registry } = fakeRendermime(['text/plain']);
    const other = render(
      <MarkdownBlock source="# x" rendermime={registry} className="extra" />
    );
    expect(
      other.container.querySelector('.jp-Neuron-Markdown-plain.extra')
    ).not.toBeNull();
  });

  it('renders through JupyterLab as untrusted content', async () => {
    const { registry, models } = fakeRendermime(['text/markdown']);
    let container!: HTMLElement;
    await act(async () => {
      container = render(
        <MarkdownBlock source="## Step" rendermime={registry} />
      ).container;
    });
    expect(models).toEqual([
      { data: { 'text/markdown': '## Step' }, trusted: false }
    ]);
    const block = container.querySelector('.jp-Neuron-Markdown')!;
    expect(block.classList).not.toContain('jp-Neuron-Markdown-plain');
    expect(block.textContent).toBe('rendered: ## Step');
  });
});
