import { FRONTEND_VERSION, isSameRelease } from '../version';

describe('FRONTEND_VERSION', () => {
  it('is the version of package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    expect(FRONTEND_VERSION).toBe(require('../../package.json').version);
  });
});

describe('isSameRelease', () => {
  it.each([
    ['0.1.0', '0.1.0', true],
    ['0.1.0', '0.1.1', false],
    ['1.0.0-alpha.1', '1.0.0a1', true],
    ['1.0.0-beta.2', '1.0.0b2', true],
    ['1.0.0-rc.1', '1.0.0rc1', true],
    ['1.0.0-alpha.1', '1.0.0a2', false],
    ['1.0.0-alpha.1', '1.0.0b1', false],
    ['0.1.0', 'dev', false]
  ])('npm %s vs Python %s -> %s', (npm, python, same) => {
    expect(isSameRelease(npm, python)).toBe(same);
  });
});
