/**
 * The templates capability: Japanese-guided BERT-ja and ViT notebooks (and
 * administrators' own), previewed in the sidebar, filled in from the Neuron
 * environment and inserted into notebooks.
 */

export * from './actions';
export * from './commands';
export * from './draft';
export * from './insertion';
export * from './model';
export * from './parameterForm';
export * from './plugin';
export * from './section';
export * from './TemplatesView';
