/**
 * Byte sizes for people: binary units (KiB, MiB, GiB, TiB, PiB), numbers
 * formatted for the reader's locale.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Formats by locale and digits: creating one costs far more than using it. */
const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      maximumFractionDigits: digits,
      minimumFractionDigits: 0
    });
    formats.set(key, format);
  }
  return format;
}

/**
 * Format a byte count with binary units.
 *
 * Values below 10 of their unit keep one decimal (`1.5 GiB`), larger ones are
 * rounded (`32 GiB`); digits and separators follow `locale`.
 *
 * @param bytes - a byte count; non-finite values give `—`
 * @param locale - a BCP 47 tag such as `en` or `ja-JP`
 */
export function formatBytes(bytes: number, locale: string = 'en'): string {
  if (!Number.isFinite(bytes)) {
    return '—';
  }
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const number = numberFormat(locale, digits).format(value);
  // Rounding can reach the next unit (1023.96 KiB -> "1,024 KiB"): keep it
  // honest rather than re-scaling, the reader sees the same quantity.
  return `${sign}${number} ${UNITS[unit]}`;
}
