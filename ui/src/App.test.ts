// The shell against the mock platform: navigation, keyboard, status and errors.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { createMockPlatform } from './platform/mock';

describe('App shell', () => {
  afterEach(() => cleanup());

  it('shows what the platform reports in the status bar', async () => {
    const platform = createMockPlatform({ data_dir: '/srv/cache-under-test', version: '9.8.7' });
    render(App, { props: { platform } });
    expect(await screen.findByText('Local cache: /srv/cache-under-test')).toBeTruthy();
    expect(screen.getByTestId('app-version').textContent).toBe('Casefile 9.8.7');
    expect(screen.getByTestId('sync-status').dataset.state).toBe('no_account');
  });

  it('does not lose a status change that happens while it subscribes', async () => {
    const platform = createMockPlatform();
    const subscribe = platform.onSyncStatus.bind(platform);
    platform.onSyncStatus = async (listener) => {
      // The sync finishes while the subscription is still being set up.
      await new Promise((r) => setTimeout(r, 5));
      platform.emitSyncStatus({ state: 'idle', detail: 'Up to date: 40 cases', pending_changes: 0, last_success: null });
      await new Promise((r) => setTimeout(r, 20));
      return subscribe(listener);
    };
    render(App, { props: { platform } });
    await waitFor(() => expect(screen.getByTestId('sync-status').dataset.state).toBe('idle'));
    expect(screen.getByTestId('sync-status').textContent).toContain('Up to date: 40 cases');
  });

  it('never lets a slow status read overwrite a newer status event', async () => {
    const platform = createMockPlatform();
    const read = platform.syncStatus.bind(platform);
    platform.syncStatus = async () => {
      // The read sees "syncing"; the sync finishes before the answer arrives.
      const stale = await read();
      platform.emitSyncStatus({ state: 'idle', detail: 'Up to date: 40 cases', pending_changes: 0, last_success: null });
      await new Promise((r) => setTimeout(r, 20));
      return stale;
    };
    render(App, { props: { platform } });
    await new Promise((r) => setTimeout(r, 60));
    expect(screen.getByTestId('sync-status').dataset.state).toBe('idle');
    expect(screen.getByTestId('sync-status').textContent).toContain('Up to date: 40 cases');
  });

  it('updates the status bar when a sync status event arrives', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await screen.findByTestId('sync-status');
    platform.emitSyncStatus({ state: 'offline', detail: 'Offline: changes are kept on this laptop', pending_changes: 3, last_success: null });
    await waitFor(() => expect(screen.getByTestId('sync-status').dataset.state).toBe('offline'));
    expect(screen.getByText('3 changes waiting to sync')).toBeTruthy();
  });

  it('switches views by click and by Ctrl+digit', async () => {
    const platform = createMockPlatform();
    const { container } = render(App, { props: { platform } });
    expect(container.querySelector('[data-view="cases"]')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    expect(container.querySelector('[data-view="tasks"]')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Tasks');
    await fireEvent.keyDown(window, { key: '4', ctrlKey: true });
    expect(container.querySelector('[data-view="documents"]')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Documents/ }).getAttribute('aria-current')).toBe('page');
  });

  it('focuses search with "/" and clears it with Escape', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    const search = screen.getByRole('combobox', { name: 'Search everything' }) as HTMLInputElement;
    await fireEvent.keyDown(window, { key: '/' });
    expect(document.activeElement).toBe(search);
    await fireEvent.input(search, { target: { value: 'Martinez' } });
    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(search.value).toBe('');
  });

  it('shows a classified error in plain words and retries', async () => {
    const platform = createMockPlatform({ data_dir: '/after/retry' });
    platform.failAppInfo({ code: 'internal', message: 'The local cache could not be opened.' });
    render(App, { props: { platform } });
    expect(await screen.findByText('The local cache could not be opened.')).toBeTruthy();
    platform.failAppInfo(null);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Local cache: /after/retry')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('renders server text as text, never as markup', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await screen.findByTestId('sync-status');
    const hostile = '<img src=x onerror="window.__pwned=1">Smith';
    platform.emitSyncStatus({ state: 'error', detail: hostile, pending_changes: 0, last_success: null });
    await waitFor(() => expect(screen.getByTestId('sync-status').textContent).toContain(hostile));
    expect(document.querySelector('[data-testid="sync-status"] img')).toBeNull();
  });
});
