import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React, { useEffect, useRef } from 'react';

/**
 * Properties of {@link MarkdownBlock}.
 */
export interface IMarkdownBlockProps {
  /** The Markdown to show. */
  source: string;
  /**
   * JupyterLab's renderers. Without them (tests, a JupyterLab without the
   * Markdown renderer) the text is shown as it is.
   */
  rendermime: IRenderMimeRegistry | null;
  /** An extra class of the block. */
  className?: string;
}

const MARKDOWN = 'text/markdown';

/**
 * Markdown rendered by JupyterLab's own Markdown renderer, as untrusted
 * content (HTML in it is sanitized), like a notebook's Markdown cells.
 */
export function MarkdownBlock(props: IMarkdownBlockProps): JSX.Element {
  const { source, rendermime } = props;
  const host = useRef<HTMLDivElement>(null);
  const canRender = !!rendermime && rendermime.mimeTypes.includes(MARKDOWN);

  useEffect(() => {
    const node = host.current;
    if (!canRender || !rendermime || !node) {
      return;
    }
    const renderer = rendermime.createRenderer(MARKDOWN);
    const model = rendermime.createModel({
      data: { [MARKDOWN]: source },
      trusted: false
    });
    let current = true;
    renderer
      .renderModel(model)
      .then(() => {
        if (current) {
          node.replaceChildren(renderer.node);
        }
      })
      .catch(reason => {
        console.warn('jupyterlab-neuron: could not render Markdown', reason);
        if (current) {
          node.textContent = source;
        }
      });
    return () => {
      current = false;
      renderer.dispose();
    };
  }, [source, rendermime, canRender]);

  const className = `jp-Neuron-Markdown ${props.className ?? ''}`.trim();
  if (!canRender) {
    return (
      <div className={`${className} jp-Neuron-Markdown-plain`}>{source}</div>
    );
  }
  return <div ref={host} className={className} />;
}
