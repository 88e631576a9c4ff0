// The status bar's details and the help overlay, against the mock platform.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform } from '../platform/mock';

describe('The status bar', () => {
  afterEach(() => cleanup());

  it('opens its details on click, offers Sync now for a connected account, and closes with Escape', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    platform.emitSyncStatus({ state: 'idle', detail: 'Up to date: 3 cases, synced at 09:30', pending_changes: 2, last_success: '2026-12-01T09:30:00Z' });
    const bar = await screen.findByTestId('sync-status');
    await waitFor(() => expect(bar.textContent).toContain('Up to date'));
    await fireEvent.click(bar);
    const details = await screen.findByTestId('sync-details');
    await waitFor(() => expect(details.textContent).toContain('2 changes'));
    await fireEvent.click(within(details).getByTestId('sync-now'));
    expect(platform.syncNowCalls).toBe(1);
    expect(details.textContent).toContain('Syncing…');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('sync-details')).toBeNull();
  });

  it('says there is nothing to sync with when no account is connected', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await fireEvent.click(await screen.findByTestId('sync-status'));
    const details = await screen.findByTestId('sync-details');
    await waitFor(() => expect(details.textContent).toContain('No firm account is connected'));
    expect(within(details).queryByTestId('sync-now')).toBeNull();
  });

  it('shows the keyboard shortcuts on "?"', async () => {
    render(App, { props: { platform: createMockPlatform() } });
    await fireEvent.keyDown(window, { key: '?' });
    expect((await screen.findByTestId('help')).textContent).toContain('Search everything');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('help')).toBeNull();
  });
});
