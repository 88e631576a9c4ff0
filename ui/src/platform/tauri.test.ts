import { describe, expect, it, vi } from 'vitest';

// The bindings import @tauri-apps/api, which needs a webview; only `normalise` is under test.
vi.mock('./bindings', () => ({ commands: {}, events: {} }));
const { normalise } = await import('./tauri');

describe('normalise', () => {
  it('passes data and classified errors through unchanged', () => {
    expect(normalise({ status: 'ok', data: 42 })).toEqual({ status: 'ok', data: 42 });
    const error = { code: 'validation', message: 'Name is required.', field: 'name' };
    expect(normalise({ status: 'error', error })).toEqual({ status: 'error', error });
  });

  it("turns Tauri's bare-string rejections into an internal UiError", () => {
    const outcome = normalise({ status: 'error', error: 'app_info not allowed. Permissions associated with this command: allow-app-info' });
    expect(outcome).toEqual({
      status: 'error',
      error: {
        code: 'internal',
        message: "The app's core refused the request: app_info not allowed. Permissions associated with this command: allow-app-info",
      },
    });
  });
});
