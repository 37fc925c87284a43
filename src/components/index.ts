/**
 * UI pieces shared by every capability.
 */

export * from './DryRunDialog';
export * from './DataTable';
export * from './Facts';
export * from './followLanguage';
export * from './formatBytes';
export * from './icons';
export * from './LabelledSelect';
export * from './MarkdownBlock';
export * from './Notice';
export * from './RefreshButton';
export * from './Section';
export * from './SectionToolbar';
export * from './StateBadge';
export * from './useSignal';
export * from './VisibilityWidget';
