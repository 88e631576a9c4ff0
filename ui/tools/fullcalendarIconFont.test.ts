// @vitest-environment node
// The CSP (tauri.conf.json) has font-src 'self' and no data: anywhere: what the
// window loads must hold no data: font URL. These tests build the real bundle,
// in memory, with the project's vite.config.ts and inspect every output file.
import { describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
// FullCalendar's module as published, before any plugin: the icon font it embeds.
import fullcalendarSource from '../node_modules/@fullcalendar/core/internal-common.js?raw';
import { DATA_FONT_URL, fullcalendarIconFont, stripDataFontFaces } from './fullcalendarIconFont.ts';

const root = new URL('..', import.meta.url).pathname;

function embeddedFont(): Uint8Array {
  const match = /data:application\/x-font-ttf;charset=utf-8;base64,([A-Za-z0-9+/=]+)/.exec(fullcalendarSource);
  if (!match?.[1]) throw new Error('FullCalendar no longer embeds its icon font as a base64 TTF');
  return Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0));
}

async function buildInMemory(): Promise<(Rolldown.OutputChunk | Rolldown.OutputAsset)[]> {
  const result = await build({
    root,
    configFile: `${root}vite.config.ts`,
    mode: 'production',
    logLevel: 'silent',
    build: { write: false },
  });
  const outputs = Array.isArray(result) ? result : [result];
  return outputs.flatMap((o) => ('output' in o ? o.output : []));
}

const text = (file: Rolldown.OutputChunk | Rolldown.OutputAsset): string =>
  file.type === 'chunk' ? file.code : typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);

describe('FullCalendar icon font under the CSP', () => {
  it('really is a data: URL in FullCalendar as published (so this check means something)', () => {
    expect(DATA_FONT_URL.test(fullcalendarSource)).toBe(true);
    expect(embeddedFont().length).toBeGreaterThan(1000);
  });

  it('leaves no data: font URL in the built bundle and serves the font as a file', async () => {
    const files = await buildInMemory();
    const textual = files.filter((f) => /\.(js|css|html)$/.test(f.fileName));
    expect(textual.some((f) => f.fileName.endsWith('.js'))).toBe(true);
    for (const file of textual) {
      expect(DATA_FONT_URL.exec(text(file)), `${file.fileName} holds a data: font URL`).toBeNull();
      expect(/url\(\s*\\?["']?\s*data:/i.exec(text(file)), `${file.fileName} holds a data: URL`).toBeNull();
    }
    // FullCalendar's CSS is still in the bundle, without its @font-face.
    const js = textual.filter((f) => f.fileName.endsWith('.js')).map(text).join('\n');
    expect(js).toContain('.fc-icon-chevron-left:before');
    expect(js).not.toMatch(/@font-face\s*\{\s*font-family:\s*fcicons/);
    // The font is a file of its own, the same bytes FullCalendar embeds ...
    const font = files.find((f) => /(^|\/)fcicons-[\w-]+\.ttf$/.test(f.fileName));
    expect(font, 'no fcicons .ttf asset in the build').toBeDefined();
    expect(font?.type).toBe('asset');
    const bytes = font?.type === 'asset' && typeof font.source !== 'string' ? font.source : new Uint8Array();
    expect(Array.from(bytes)).toEqual(Array.from(embeddedFont()));
    // ... that the app's CSS declares from the app's own origin.
    const css = textual.filter((f) => f.fileName.endsWith('.css')).map(text).join('\n');
    const basename = font?.fileName.split('/').pop() ?? '<none>';
    expect(css).toMatch(new RegExp(`@font-face\\{[^}]*font-family:\\s*fcicons[^}]*url\\([^)]*${basename.replace(/[.-]/g, '\\$&')}`));
  }, 60_000);
});

describe('stripDataFontFaces', () => {
  it('removes exactly the data: @font-face from FullCalendar\'s CSS', () => {
    const { code, removed } = stripDataFontFaces(fullcalendarSource);
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(/^@font-face\{font-family:fcicons;.*\}$/);
    expect(code.length).toBe(fullcalendarSource.length - removed[0]!.length);
    expect(DATA_FONT_URL.test(code)).toBe(false);
    expect(code).toContain('.fc-icon{');
  });

  it('keeps a @font-face served from a file', () => {
    const css = '@font-face{font-family:a;src:url(/assets/a.ttf)}.x{color:red}';
    expect(stripDataFontFaces(css)).toEqual({ code: css, removed: [] });
  });

  it('fails the build when a data: font URL is left outside a @font-face', () => {
    const plugin = fullcalendarIconFont();
    const transform = plugin.transform as (this: unknown, code: string, id: string) => unknown;
    const context = {
      warn() {},
      error(message: string): never {
        throw new Error(message);
      },
    };
    const id = '/x/node_modules/@fullcalendar/core/internal-common.js';
    expect(() => transform.call(context, 'var s = "src:url(data:font/woff2;base64,AAAA)";', id)).toThrow(/data: font URL/);
    expect(transform.call(context, 'var s = "data:font/woff2";', '/x/other.js')).toBeNull();
  });
});
