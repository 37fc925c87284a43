/**
 * NeuronCores per kernel: the model of `GET cores`, the panel section and the
 * notebook toolbar item.
 */

export * from './model';
export * from './plugin';
export * from './section';
export * from './toolbar';
