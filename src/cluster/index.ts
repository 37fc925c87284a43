/**
 * The cluster capability: the model of `GET cluster`, the heat map and the
 * main-area view.
 */

export * from './ClusterView';
export * from './heatmap';
export * from './layout';
export * from './model';
export * from './plugin';
export * from './section';
