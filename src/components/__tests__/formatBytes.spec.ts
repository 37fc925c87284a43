import { formatBytes } from '../formatBytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1,023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 + 512, '11 KiB'],
    [5 * 1024 ** 2, '5 MiB'],
    [34359738368, '32 GiB'],
    [96 * 1024 ** 3, '96 GiB'],
    [2 * 1024 ** 4, '2 TiB'],
    [3 * 1024 ** 5, '3 PiB'],
    [4 * 1024 ** 6, '4,096 PiB'],
    [-1536, '-1.5 KiB']
  ])('formats %d bytes as %s in English', (bytes, expected) => {
    expect(formatBytes(bytes, 'en')).toBe(expected);
  });

  it('defaults to English number formatting', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });

  it('follows the locale for digits and separators', () => {
    expect(formatBytes(1536, 'de-DE')).toBe('1,5 KiB');
    expect(formatBytes(1023, 'de-DE')).toBe('1.023 B');
    expect(formatBytes(34359738368, 'ja-JP')).toBe('32 GiB');
    expect(formatBytes(1536, 'ja-JP')).toBe('1.5 KiB');
  });

  it('gives a dash for values that are not numbers', () => {
    expect(formatBytes(NaN)).toBe('—');
    expect(formatBytes(Infinity)).toBe('—');
  });
});
