/**
 * What the REST payloads of every capability share.
 */

/**
 * A language the panel is translated into (and the server answers in).
 */
export type NeuronLanguage = 'ja' | 'en';
