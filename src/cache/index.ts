/**
 * The compile-cache capability: the caches' status, the entry list, the
 * cleaning actions, the sidebar section and the main-area view.
 */

export * from './actions';
export * from './CacheSummaryView';
export * from './CacheView';
export * from './entries';
export * from './labels';
export * from './model';
export * from './section';
export * from './VirtualTable';
export * from './widget';
