const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const baseConfig = jestJupyterLab(__dirname);

/**
 * The ES-module packages @jupyterlab/testutils already transforms, read back
 * from its pattern `/node_modules/(?!a|b|...).+`.
 */
function testutilsEsModules() {
  const pattern = (baseConfig.transformIgnorePatterns || [])[0] || '';
  const match = /\(\?!(.*)\)\.\+$/.exec(pattern);
  return match ? match[1].split('|') : [];
}

// Our ES-module packages are added to testutils' list, not put in its place:
// replacing it breaks anything that imports @jupyterlab/apputils
// ("Unexpected token 'export'").
const esModules = [
  ...new Set([
    ...testutilsEsModules(),
    '@codemirror',
    '@jupyter/react-components',
    '@jupyter/web-components',
    '@jupyter/ydoc',
    '@jupyterlab/',
    '@lumino',
    '@marijn',
    '@microsoft',
    'color',
    'exenv-es6',
    'lib0',
    'marked',
    'nanoid',
    'vscode-ws-jsonrpc',
    'y-protocols',
    'yjs'
  ])
].join('|');

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/__tests__/**'
  ],
  coverageReporters: ['lcov', 'text'],
  modulePathIgnorePatterns: [
    '<rootDir>/jupyterlab_neuron/labextension',
    '<rootDir>/ui-tests',
    '<rootDir>/lib',
    '<rootDir>/.venv'
  ],
  reporters: ['default'],
  roots: ['<rootDir>/src'],
  testRegex: '/src/(.*/)?__tests__/[^/]+\\.spec\\.tsx?$',
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
