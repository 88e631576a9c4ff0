// The Accounts screen and the first run, against the mock platform: the demo
// firm said plainly, adding an account then signing in, field errors,
// switching, and signing out with the warning when changes wait.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform } from '../platform/mock';
import type { AccountRow } from '../platform';

const account = (over: Partial<AccountRow> = {}): AccountRow => ({
  id: 'firmapi-firm.example',
  provider: 'Firm API',
  base_url: 'https://firm.example',
  zone: 'America/Chicago',
  browser_sign_in: true,
  signed_in: true,
  api_user: null,
  shown: false,
  ...over,
});

describe('First run and the Accounts screen', () => {
  afterEach(() => cleanup());

  it('says the demo firm is shown, and its button opens the Accounts screen', async () => {
    render(App, { props: { platform: createMockPlatform() } });
    const banner = await screen.findByTestId('demo-banner');
    expect(banner.textContent).toContain('demo firm');
    await waitFor(() => expect(screen.getByTestId('shown-firm').textContent).toContain('Demo firm'));
    await fireEvent.click(within(banner).getByTestId('add-real-account'));
    expect(await screen.findByTestId('add-account')).toBeTruthy();
    expect(screen.queryByTestId('demo-banner')).toBeNull();
    expect(screen.getByTestId('no-accounts').textContent).toContain('No firm account');
  });

  it('adds an account, signs it in through the browser, and shows its cases', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    const form = await screen.findByTestId('add-account');
    await fireEvent.input(within(form).getByLabelText('Server address'), { target: { value: 'https://firm.example' } });
    await fireEvent.input(within(form).getByLabelText('Client ID'), { target: { value: 'casefile-app' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(platform.accountCalls.map((c) => c[0])).toEqual(['add', 'sign_in']));
    expect(platform.accountCalls[0]?.[1]).toMatchObject({ provider: 'firmapi', base_url: 'https://firm.example', client_id: 'casefile-app', client_secret: null });
    // Signed in: the window goes to the account's case list, and the banner is gone.
    await waitFor(() => expect(document.querySelector('[data-view="cases"]')).toBeTruthy());
    await waitFor(() => expect(screen.queryByTestId('demo-banner')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('shown-firm').textContent).toContain('firm.example'));
  });

  it('adds an account of a provider that takes a token: no browser, the token asked for, then shown', async () => {
    const platform = createMockPlatform();
    platform.data.accounts.providers.push({ id: 'tokenapi', label: 'Token API', authorize_url: null, token_url: null });
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    const form = await screen.findByTestId('add-account');
    await fireEvent.change(within(form).getByLabelText('Provider'), { target: { value: 'tokenapi' } });
    expect(await within(form).findByTestId('add-by-token')).toBeTruthy();
    expect(within(form).queryByLabelText('Client ID')).toBeNull();
    await fireEvent.input(within(form).getByLabelText('Server address'), { target: { value: 'https://site.example' } });
    await fireEvent.submit(form);
    // No token yet: the field says so, and nothing is added.
    await waitFor(() => expect(form.textContent).toContain('Paste a personal access token'));
    expect(within(form).getByLabelText(/^Personal access token/).getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(within(form).getByLabelText(/^Personal access token/), { target: { value: 'pat-123' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(platform.accountCalls.map((c) => c[0])).toEqual(['add', 'add', 'switch']));
    expect(platform.accountCalls[1]?.[1]).toMatchObject({ provider: 'tokenapi', token: 'pat-123', client_id: '' });
    await waitFor(() => expect(screen.getByTestId('shown-firm').textContent).toContain('site.example'));
  });

  it('adds an account with an API user and password where a token is taken, never sending a token', async () => {
    const platform = createMockPlatform();
    platform.data.accounts.providers.push({ id: 'tokenapi', label: 'Token API', authorize_url: null, token_url: null });
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    const form = await screen.findByTestId('add-account');
    await fireEvent.change(within(form).getByLabelText('Provider'), { target: { value: 'tokenapi' } });
    await fireEvent.click(await within(form).findByTestId('sign-in-with-password'));
    expect(within(form).queryByLabelText(/^Personal access token/)).toBeNull();
    await fireEvent.input(within(form).getByLabelText('Server address'), { target: { value: 'https://site.example' } });
    await fireEvent.input(within(form).getByLabelText(/^API user/), { target: { value: 'casefile-api' } });
    await fireEvent.submit(form);
    // No password yet: its field says so.
    await waitFor(() => expect(within(form).getByLabelText(/^Password/).getAttribute('aria-invalid')).toBe('true'));
    expect(form.textContent).toContain("Enter the API user's password.");
    await fireEvent.input(within(form).getByLabelText(/^Password/), { target: { value: 'pw-1' } });
    // Typing the password takes its error away at once.
    expect(within(form).getByLabelText(/^Password/).getAttribute('aria-invalid')).toBeNull();
    expect(form.textContent).not.toContain("Enter the API user's password.");
    await fireEvent.submit(form);
    await waitFor(() => expect(platform.accountCalls.map((c) => c[0])).toEqual(['add', 'add', 'switch']));
    expect(platform.accountCalls[1]?.[1]).toMatchObject({ provider: 'tokenapi', user: 'casefile-api', password: 'pw-1', token: null });
    await waitFor(() => expect(screen.getByTestId('shown-firm').textContent).toContain('site.example'));
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    expect(await screen.findByText('Signed in as casefile-api')).toBeTruthy();
  });

  it('marks the field the core refused, and keeps what was typed', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    const form = await screen.findByTestId('add-account');
    const url = within(form).getByLabelText('Server address') as HTMLInputElement;
    await fireEvent.input(url, { target: { value: 'ftp://firm' } });
    await fireEvent.input(within(form).getByLabelText('Client ID'), { target: { value: 'x' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(form.textContent).toContain('is not an http(s) URL'));
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(url.value).toBe('ftp://firm');
    expect(platform.accountCalls.map((c) => c[0])).toEqual(['add']);
  });

  it('says why a sign-in failed, and offers it again', async () => {
    const platform = createMockPlatform({}, { signInAnswer: { code: 'auth_required', message: 'sign-in failed: the server refused the code' } });
    platform.data.accounts.accounts = [account({ signed_in: false })];
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('sign-in'));
    expect((await screen.findByTestId('sign-in-error')).textContent).toContain('refused the code');
    expect(screen.getByTestId('sign-in')).toBeTruthy();
  });

  it('switches between the demo firm and an account', async () => {
    const platform = createMockPlatform();
    platform.data.accounts.accounts = [account()];
    render(App, { props: { platform } });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    const row = await screen.findByTestId('account');
    expect(within(row).getByTestId('account-state').textContent).toBe('Signed in');
    await fireEvent.click(within(row).getByTestId('show-account'));
    await waitFor(() => expect(platform.accountCalls.at(-1)).toEqual(['switch', 'firmapi-firm.example']));
    await waitFor(() => expect(screen.queryByTestId('demo-banner')).toBeNull());
  });

  it('warns before signing out an account whose changes wait, and signs out only when told to', async () => {
    const platform = createMockPlatform();
    platform.data.accounts.accounts = [account({ shown: true })];
    platform.data.accounts.demo_shown = false;
    render(App, { props: { platform } });
    platform.emitSyncStatus({ state: 'idle', detail: 'Up to date', pending_changes: 2, last_success: null });
    await fireEvent.keyDown(window, { key: '5', ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('sign-out'));
    const dialog = await screen.findByTestId('sign-out-dialog');
    await fireEvent.click(within(dialog).getByTestId('sign-out-confirm'));
    expect((await within(dialog).findByTestId('sign-out-warning')).textContent).toContain('2 changes');
    expect(platform.data.accounts.accounts).toHaveLength(1);
    await fireEvent.click(within(dialog).getByTestId('sign-out-anyway'));
    await waitFor(() => expect(platform.accountCalls.at(-1)).toEqual(['sign_out', 'firmapi-firm.example', true]));
    await waitFor(() => expect(screen.queryByTestId('sign-out-dialog')).toBeNull());
    expect(platform.data.accounts.accounts).toHaveLength(0);
  });

  it('offers sign-in from the status bar when the account needs it', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    platform.emitSyncStatus({ state: 'auth_required', detail: 'Sign in to sync', pending_changes: 0, last_success: null });
    await fireEvent.click(await screen.findByTestId('status-sign-in'));
    expect(await screen.findByTestId('add-account')).toBeTruthy();
  });
});
