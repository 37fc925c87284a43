/**
 * The compile-cache capability: the caches' status, the entry list, the
 * cleaning actions, the sidebar section and the main-area view.
 */

export * from './actions';
export * from './commands';
export * from './entries';
export * from './labels';
export * from './model';
export * from './plugin';
export * from './section';
export * from './view';
export * from './widget';
