/**
 * The tutorial mode: a guide beside a notebook that follows its steps,
 * checks each one and explains Neuron errors.
 */

export * from './actions';
export * from './checks';
export * from './diagnosis';
export * from './DiagnosisView';
export * from './guide';
export * from './GuideView';
export * from './manager';
export * from './metadata';
export * from './offer';
export * from './plugin';
export * from './preferences';
export * from './progress';
export * from './session';
