// The calendar's and the task list's edits, through the views and the
// platform boundary: what is sent, what is refused before sending, and the
// "waiting to sync" mark.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform } from '../platform/mock';
import { task } from './fixtures';

afterEach(() => cleanup());

const staff = { stages: [], practice_areas: [], clients: [], locations: [{ id: 'l1', name: 'Courtroom 4' }], staff: [{ id: 's1', name: 'Ada Lee' }, { id: 's2', name: 'Ben Cho' }] };

describe('tasks', () => {
  it('ticks a task off at once and marks it as waiting to sync', async () => {
    const platform = createMockPlatform({}, { tasks: [task({ id: 't1', name: 'File the reply brief', due: '2000-01-01' })], filterOptions: staff });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const list = await screen.findByTestId('tasks-list');
    expect(within(list).getByText('Overdue')).toBeTruthy();
    await fireEvent.click(within(list).getByRole('checkbox', { name: 'Complete File the reply brief' }));
    await waitFor(() => expect(platform.edits).toContainEqual(['set_task_done', 't1', true]));
    expect(await within(list).findByText('Waiting to sync')).toBeTruthy();
  });

  it('offers no task change a read-only provider refuses, and says why', async () => {
    const why = 'Firm API accounts are read-only in Casefile for now; change events and tasks on Firm API itself.';
    const platform = createMockPlatform({}, {
      tasks: [task({ id: 't1', name: 'File the reply brief', due: '2000-01-01' })], filterOptions: staff,
      changes: { create: false, update: false, delete: false, description: true }, readOnly: why,
    });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const list = await screen.findByTestId('tasks-list');
    const tick = within(list).getByRole('checkbox', { name: 'Complete File the reply brief' }) as HTMLInputElement;
    await waitFor(() => expect(tick.disabled).toBe(true));
    expect(tick.title).toBe(why);
    const add = screen.getByTestId('new-task') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    expect(add.title).toBe(why);
    await fireEvent.keyDown(window, { key: 'n' });
    expect(screen.queryByTestId('task-dialog')).toBeNull();
    expect(platform.edits).toEqual([]);
  });

  it('offers "Me" first among the assignees once the account knows who that is', async () => {
    const platform = createMockPlatform({}, { tasks: [], filterOptions: staff, me: 's2' });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const select = await screen.findByRole('combobox', { name: 'Assigned to' }) as HTMLSelectElement;
    await waitFor(() => expect(select.options[1]?.textContent).toBe('Me (Ben Cho)'));
    expect(select.options[1]?.value).toBe('s2');
    expect([...select.options].filter((o) => o.value === 's2')).toHaveLength(1);
  });

  it('offers no description field where the provider keeps none', async () => {
    const platform = createMockPlatform({}, {
      tasks: [], filterOptions: staff, changes: { create: true, update: true, delete: false, description: false },
      readOnly: 'LegalServer does not take deleted events or tasks from Casefile; do this on LegalServer itself.',
    });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const add = await screen.findByTestId('new-task') as HTMLButtonElement;
    await waitFor(() => expect(add.disabled).toBe(false));
    await fireEvent.click(add);
    const dialog = await screen.findByTestId('task-dialog');
    await waitFor(() => expect(within(dialog).queryByRole('textbox', { name: 'Description' })).toBeNull());
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toBeTruthy();
  });

  it('refuses a nameless task before sending it, then creates it with its assignee', async () => {
    const platform = createMockPlatform({}, { tasks: [], filterOptions: staff });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    await fireEvent.click(await screen.findByTestId('new-task'));
    const dialog = await screen.findByTestId('task-dialog');
    await fireEvent.click(within(dialog).getByTestId('task-save'));
    expect(within(dialog).getByRole('alert').textContent).toContain('name');
    expect(platform.edits).toEqual([]);
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'Serve the subpoena' } });
    await fireEvent.click(within(dialog).getByTestId('task-save'));
    await waitFor(() => expect(platform.edits[0]?.[0]).toBe('save_task'));
    expect(platform.edits[0]?.[2]).toMatchObject({ name: 'Serve the subpoena', staff: ['s1'], priority: 'medium' });
    await waitFor(() => expect(screen.queryByTestId('task-dialog')).toBeNull());
  });
});

describe('calendar edits', () => {
  it('shows an end before the start on the end field and sends nothing', async () => {
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    const platform = createMockPlatform({}, { events: [], filterOptions: staff });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Calendar/ }));
    await fireEvent.click(await screen.findByTestId('new-event'));
    const dialog = await screen.findByTestId('event-dialog');
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'Deposition' } });
    const start = dialog.querySelector<HTMLInputElement>('input[name="start"]');
    const end = dialog.querySelector<HTMLInputElement>('input[name="end"]');
    if (!start || !end) throw new Error('no time fields');
    await fireEvent.input(end, { target: { value: start.value.slice(0, 11) + '00:00' } });
    await fireEvent.click(within(dialog).getByTestId('event-save'));
    expect(within(dialog).getByTestId('end-error').textContent).toContain('before the start');
    expect(platform.edits).toEqual([]);
    await fireEvent.input(end, { target: { value: start.value.slice(0, 11) + '23:30' } });
    await fireEvent.click(within(dialog).getByTestId('event-save'));
    await waitFor(() => expect(platform.edits[0]?.[0]).toBe('save_event'));
    expect(platform.edits[0]?.[2]).toMatchObject({ name: 'Deposition', all_day: false, staff: ['s1'], zone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    vi.unstubAllGlobals();
  });
});

describe('calendar undo', () => {
  it('puts a deleted event back with Ctrl+Z while the deletion has not synced', async () => {
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    const start = new Date();
    start.setHours(10, 0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const sync = { pending: false, problem: null, conflict: false, checking: false, failing: null };
    const platform = createMockPlatform({}, {
      filterOptions: staff,
      events: [{ id: 'e1', title: 'Status conference', start: start.toISOString(), end: end.toISOString(), all_day: false, location: null, case: null, lead: null, sync }],
    });
    const { container } = render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Calendar/ }));
    await waitFor(() => expect(container.querySelector('.fc-event[data-event-id="e1"]')).toBeTruthy());
    await fireEvent.click(container.querySelector('.fc-event[data-event-id="e1"]') as Element);
    const dialog = await screen.findByTestId('event-dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete…' }));
    await fireEvent.click(within(dialog).getByTestId('confirm-delete'));
    await waitFor(() => expect(platform.edits).toContainEqual(['delete_event', 'e1']));
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(platform.edits.at(-1)?.[0]).toBe('save_event'));
    expect(platform.edits.at(-1)?.[1]).toBeNull();
    expect(platform.edits.at(-1)?.[2]).toMatchObject({ name: 'Status conference', all_day: false });
    vi.unstubAllGlobals();
  });
});
