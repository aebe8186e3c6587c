/**
 * Go's time.Format layouts ("2006-01-02T15:04:05Z07:00"), for time values in UTC: a JS Date
 * carries no zone, and the value model maps Date to a UTC time.Time.
 */

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number, ch = '0'): string {
  const s = String(n);
  return s.length >= width ? s : ch.repeat(width - s.length) + s;
}

function startsWithLower(s: string, at: number): boolean {
  const c = s.charCodeAt(at);
  return c >= 0x61 && c <= 0x7a;
}

function yearDay(t: Date): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const jan1 = new Date(0);
  jan1.setUTCFullYear(t.getUTCFullYear(), 0, 1);
  const start = jan1.getTime();
  return Math.floor((t.getTime() - start) / 86_400_000) + 1;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** time.Time.Format for a UTC time. */
export function formatGoTime(t: Date, layout: string): string {
  if (Number.isNaN(t.getTime())) return '';
  const year = t.getUTCFullYear();
  const month = t.getUTCMonth();
  const day = t.getUTCDate();
  const hour = t.getUTCHours();
  const minute = t.getUTCMinutes();
  const second = t.getUTCSeconds();
  const nanos = t.getUTCMilliseconds() * 1_000_000;
  const weekday = t.getUTCDay();
  let out = '';
  let i = 0;
  const at = (lit: string): boolean => layout.startsWith(lit, i);
  while (i < layout.length) {
    const c = layout[i]!;
    let emitted: string | null = null;
    let len = 0;
    switch (c) {
      case 'J':
        if (at('January')) [emitted, len] = [LONG_MONTHS[month]!, 7];
        else if (at('Jan') && !startsWithLower(layout, i + 3))
          [emitted, len] = [LONG_MONTHS[month]!.slice(0, 3), 3];
        break;
      case 'M':
        if (at('Monday')) [emitted, len] = [LONG_DAYS[weekday]!, 6];
        else if (at('Mon') && !startsWithLower(layout, i + 3))
          [emitted, len] = [LONG_DAYS[weekday]!.slice(0, 3), 3];
        else if (at('MST')) [emitted, len] = ['UTC', 3];
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') {
          len = 2;
          emitted = [
            pad(month + 1, 2),
            pad(day, 2),
            pad(hour % 12 === 0 ? 12 : hour % 12, 2),
            pad(minute, 2),
            pad(second, 2),
            pad(year % 100, 2),
          ][Number(n) - 1]!;
        } else if (n === '0' && layout[i + 2] === '2') [emitted, len] = [pad(yearDay(t), 3), 3];
        break;
      }
      case '1':
        if (at('15')) [emitted, len] = [pad(hour, 2), 2];
        else [emitted, len] = [String(month + 1), 1];
        break;
      case '2':
        if (at('2006')) [emitted, len] = [pad(year, 4), 4];
        else [emitted, len] = [String(day), 1];
        break;
      case '_':
        if (layout[i + 1] === '2') {
          if (at('_2006')) [emitted, len] = [`_${pad(year, 4)}`, 5];
          else [emitted, len] = [pad(day, 2, ' '), 2];
        } else if (at('__2')) [emitted, len] = [pad(yearDay(t), 3, ' '), 3];
        break;
      case '3':
        [emitted, len] = [String(hour % 12 === 0 ? 12 : hour % 12), 1];
        break;
      case '4':
        [emitted, len] = [String(minute), 1];
        break;
      case '5':
        [emitted, len] = [String(second), 1];
        break;
      case 'P':
        if (at('PM')) [emitted, len] = [hour >= 12 ? 'PM' : 'AM', 2];
        break;
      case 'p':
        if (at('pm')) [emitted, len] = [hour >= 12 ? 'pm' : 'am', 2];
        break;
      case '-':
      case 'Z': {
        const z = c === 'Z';
        const forms: [string, string][] = [
          ['070000', '+000000'],
          ['07:00:00', '+00:00:00'],
          ['0700', '+0000'],
          ['07:00', '+00:00'],
          ['07', '+00'],
        ];
        for (const [f, v] of forms) {
          if (layout.startsWith(f, i + 1)) {
            [emitted, len] = [z ? 'Z' : v, f.length + 1];
            break;
          }
        }
        break;
      }
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            const digits = Math.min(j - i - 1, 9);
            let frac = pad(nanos, 9).slice(0, digits);
            if (ch === '9') frac = frac.replace(/0+$/, '');
            emitted = frac.length > 0 ? c + frac : '';
            len = j - i;
          }
        }
        break;
      }
    }
    if (emitted === null) {
      out += c;
      i++;
    } else {
      out += emitted;
      i += len;
    }
  }
  return out;
}

/** time.Time.String(). */
export function goTimeString(t: Date): string {
  return formatGoTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}
