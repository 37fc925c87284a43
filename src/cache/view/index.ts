/**
 * The compile-cache views: the sidebar summary and the main-area view with
 * its parts (totals, filters, actions, notices, entry table, detail pane).
 */

export * from './CacheSummaryView';
export * from './CacheView';
export * from './VirtualTable';
