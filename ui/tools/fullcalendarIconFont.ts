// A Vite plugin for the CSP: FullCalendar 6 injects its CSS from JS, and that
// CSS declares its icon font ("fcicons") as a data: URL, which the window's
// `font-src 'self'` refuses (one CSP violation at every start). The plugin
// removes that @font-face from FullCalendar's CSS string; src/app.css declares
// the same font from src/assets/fcicons.ttf, a file served from the app's own
// origin. The build fails if a data: font URL is still left in the module.
import type { Plugin } from 'vite';

/** The module of @fullcalendar/core (v6) that holds the CSS string it injects. */
export const FULLCALENDAR_CSS_MODULE = /[\\/]@fullcalendar[\\/]core[\\/]internal-common\.js$/;

/** A font given as a data: URL, in CSS or in a JS string holding CSS (quotes may be escaped). */
export const DATA_FONT_URL = /url\(\s*(?:\\?["'])?\s*data:|data:(?:application\/(?:x-)?font|font\/)/i;

/** Removes every @font-face rule whose source is a data: URL; returns the new code and the rules removed. */
export function stripDataFontFaces(code: string): { code: string; removed: string[] } {
  const removed: string[] = [];
  let out = '';
  let from = 0;
  for (;;) {
    const start = code.indexOf('@font-face', from);
    if (start < 0) break;
    const end = code.indexOf('}', start); // an @font-face block has no nested braces
    if (end < 0) break;
    const rule = code.slice(start, end + 1);
    out += code.slice(from, start);
    if (DATA_FONT_URL.test(rule)) removed.push(rule);
    else out += rule;
    from = end + 1;
  }
  return { code: out + code.slice(from), removed };
}

export function fullcalendarIconFont(): Plugin {
  return {
    name: 'casefile:fullcalendar-icon-font',
    transform(code, id) {
      if (!FULLCALENDAR_CSS_MODULE.test(id)) return null; // also skips ?raw and other queries
      const result = stripDataFontFaces(code);
      if (result.removed.length === 0) {
        this.warn('FullCalendar no longer declares its icon font as a data: URL: check src/app.css still matches it.');
      }
      if (DATA_FONT_URL.test(result.code)) {
        this.error('FullCalendar\'s CSS still has a data: font URL, which the CSP (font-src \'self\') refuses.');
      }
      return { code: result.code, map: null };
    },
  };
}
