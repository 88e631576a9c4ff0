// The data views against the mock platform: what a user sees for data,
// filters, sorting, paging, empty and error states, and search.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform } from '../platform/mock';
import type { CalendarEvent, CaseListItem, TaskItem } from '../platform';
import { detail, task } from './fixtures';

const caseRow = (i: number, over: Partial<CaseListItem> = {}): CaseListItem => ({
  id: `c${i}`,
  name: `Case ${String(i).padStart(3, '0')}`,
  number: `2026-CV-${i}`,
  status: 'open',
  stage: 'Discovery',
  practice_area: 'Personal Injury',
  opened_on: '2026-01-15',
  pending_changes: false,
  ...over,
});

describe('Cases view', () => {
  afterEach(() => cleanup());

  it('lists open cases, draws only the rows in view, and fetches the next block as it scrolls', async () => {
    const cases = Array.from({ length: 250 }, (_, i) => caseRow(i));
    cases.push(caseRow(500, { name: 'Closed matter', status: 'closed' }));
    const platform = createMockPlatform({}, { cases });
    const { container } = render(App, { props: { platform } });
    const table = await screen.findByTestId('cases-table');
    await waitFor(() => expect(screen.getByTestId('cases-count').textContent).toBe('250 cases'));
    const drawn = within(table).getAllByRole('row').length - 1;
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60); // a window, not 250 rows
    expect(platform.caseRequests.at(-1)).toMatchObject({ status: 'open', sort: 'name', offset: 0, limit: 100 });
    const scroller = container.querySelector<HTMLElement>('.scroller');
    if (!scroller) throw new Error('no scroller');
    scroller.scrollTop = 150 * 38;
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(platform.caseRequests.some((r) => r.offset === 100)).toBe(true));
    await waitFor(() => expect(table.querySelector('tr[data-index="150"][data-case-id]')).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'All' }));
    await waitFor(() => expect(screen.getByTestId('cases-count').textContent).toBe('251 cases'));
    expect(scroller.scrollTop).toBe(0);
  });

  it('sorts by a column and flips direction on a second click', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(1), caseRow(2)] });
    render(App, { props: { platform } });
    const table = await screen.findByTestId('cases-table');
    await fireEvent.click(within(table).getByRole('button', { name: /^Case/ }));
    await waitFor(() => expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'name', descending: true }));
    await fireEvent.click(within(screen.getByTestId('cases-table')).getByRole('button', { name: /^Opened/ }));
    await waitFor(() => expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'opened', descending: false }));
  });

  it('marks cases with changes waiting to sync', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(1, { pending_changes: true })] });
    render(App, { props: { platform } });
    expect(await screen.findByTitle('Changed on this laptop; waiting to sync')).toBeTruthy();
  });

  it('filters by stage, staff member and client, asking the cache with their ids', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(1)] });
    platform.data.filterOptions = {
      stages: [{ id: 'st1', name: 'Discovery' }],
      practice_areas: [],
      staff: [{ id: 'sf1', name: 'Ada Lee' }],
      clients: [{ id: 'cl1', name: 'Maria Martinez' }],
      locations: [],
    };
    render(App, { props: { platform } });
    const stage = (await screen.findByRole('combobox', { name: 'Any stage' })) as HTMLSelectElement;
    expect(screen.queryByRole('combobox', { name: 'Any practice area' })).toBeNull();
    await fireEvent.change(stage, { target: { value: 'st1' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Any client' }), { target: { value: 'cl1' } });
    await waitFor(() => expect(platform.caseRequests.at(-1)).toMatchObject({ stage: 'st1', client: 'cl1', staff: null, offset: 0 }));
  });

  it('tells an empty cache from filters that match nothing', async () => {
    const empty = createMockPlatform();
    render(App, { props: { platform: empty } });
    // "Open" is a filter, so an empty cache first reads as no match; "All" shows the empty cache.
    await fireEvent.click(await screen.findByRole('button', { name: 'All' }));
    expect(await screen.findByTestId('cases-empty')).toBeTruthy();
    cleanup();
    const some = createMockPlatform({}, { cases: [caseRow(1)] });
    render(App, { props: { platform: some } });
    await screen.findByTestId('cases-table');
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter cases' }), { target: { value: 'zzz' } });
    expect(await screen.findByTestId('cases-no-match')).toBeTruthy();
  });

  it('shows a classified error with a retry that recovers', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(1)] });
    platform.failCases({ code: 'internal', message: 'The local cache could not be read; details are in the log.' });
    render(App, { props: { platform } });
    expect(await screen.findByText('The local cache could not be read; details are in the log.')).toBeTruthy();
    platform.failCases(null);
    await fireEvent.click(screen.getAllByRole('button', { name: 'Try again' })[0]!);
    expect(await screen.findByTestId('cases-table')).toBeTruthy();
  });
});

describe('Tasks view', () => {
  afterEach(() => cleanup());

  it('filters to overdue work and marks it', async () => {
    const tasks: TaskItem[] = [
      task({ id: 't1', name: 'File the reply brief', priority: 'high', due: '2000-01-01', completed: false }),
      task({ id: 't2', name: 'Send engagement letter', priority: 'low', due: '2999-01-01', completed: false }),
      task({ id: 't3', name: 'Archive old files', priority: 'medium', due: '2000-01-01', completed: true }),
    ];
    const platform = createMockPlatform({}, { tasks });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const list = await screen.findByTestId('tasks-list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Overdue' }));
    await waitFor(() => expect(within(screen.getByTestId('tasks-list')).getAllByRole('listitem')).toHaveLength(1));
    const item = within(screen.getByTestId('tasks-list')).getByRole('listitem');
    expect(item.textContent).toContain('File the reply brief');
    expect(item.classList.contains('overdue')).toBe(true);
  });
});

describe('Global search', () => {
  afterEach(() => cleanup());

  it('shows type-ahead results and opens the chosen case itself with the keyboard', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(7, { name: 'Martinez v. Hollis Trucking LLC', number: '2024-CV-001.2' })] });
    platform.data.details.c7 = detail('c7', 'Martinez v. Hollis Trucking LLC');
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    const box = screen.getByRole('combobox', { name: 'Search everything' });
    await fireEvent.input(box, { target: { value: 'martinez' } });
    const results = await screen.findByTestId('search-results');
    expect(results.textContent).toContain('Martinez v. Hollis Trucking LLC');
    await fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('case-title').textContent).toBe('Martinez v. Hollis Trucking LLC'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Cases');
  });

  it('goes back from a case opened by search to the list as it was, keeping its sort', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(7, { name: 'Martinez v. Hollis Trucking LLC', number: '2024-CV-001.2' }), caseRow(8)] });
    platform.data.details.c7 = detail('c7', 'Martinez v. Hollis Trucking LLC');
    render(App, { props: { platform } });
    const table = await screen.findByTestId('cases-table');
    await fireEvent.click(within(table).getByRole('button', { name: /^Opened/ }));
    await waitFor(() => expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'opened' }));
    const box = screen.getByRole('combobox', { name: 'Search everything' });
    await fireEvent.input(box, { target: { value: 'martinez' } });
    await screen.findByTestId('search-results');
    await fireEvent.keyDown(box, { key: 'Enter' });
    await screen.findByTestId('case-title');
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(within(screen.getByTestId('cases-table')).getAllByRole('row')).toHaveLength(3));
    expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'opened' });
  });

  it('keeps its results when the box loses focus and gets it back at once', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(7, { name: 'Martinez v. Hollis Trucking LLC', number: '2024-CV-001.2' })] });
    render(App, { props: { platform } });
    const box = screen.getByRole('combobox', { name: 'Search everything' });
    box.focus();
    box.blur();
    box.focus();
    await fireEvent.input(box, { target: { value: 'martinez' } });
    await screen.findByTestId('search-results');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen.getByTestId('search-results').textContent).toContain('Martinez v. Hollis Trucking LLC');
    box.blur();
    await waitFor(() => expect(screen.queryByTestId('search-results')).toBeNull());
    box.focus();
    expect((await screen.findByTestId('search-results')).textContent).toContain('Martinez');
  });

  it('says so when nothing matches', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await fireEvent.input(screen.getByRole('combobox', { name: 'Search everything' }), { target: { value: 'nobody' } });
    expect((await screen.findByTestId('search-results')).textContent).toContain('Nothing in the local cache matches');
  });
});

describe('After a sync', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('reloads the open view when the cache changes', async () => {
    const platform = createMockPlatform();
    render(App, { props: { platform } });
    await fireEvent.click(await screen.findByRole('button', { name: 'All' }));
    expect(await screen.findByTestId('cases-empty')).toBeTruthy();
    platform.data.cases.push(caseRow(1, { name: 'Synced matter' }));
    platform.emitCacheChanged();
    expect(await screen.findByText('Synced matter')).toBeTruthy();
  });

  it('keeps the case filter text and queries the list again with it', async () => {
    const platform = createMockPlatform({}, { cases: [caseRow(1, { name: 'Martinez v. Hollis' }), caseRow(2, { name: 'Other matter' })] });
    render(App, { props: { platform } });
    await screen.findByTestId('cases-table');
    const box = () => screen.getByRole('searchbox', { name: 'Filter cases' }) as HTMLInputElement;
    await fireEvent.input(box(), { target: { value: 'martinez' } });
    await waitFor(() => expect(screen.queryByText('Other matter')).toBeNull());
    const before = platform.caseRequests.length;
    platform.data.cases.push(caseRow(3, { name: 'Martinez estate' }));
    platform.emitCacheChanged();
    expect(await screen.findByText('Martinez estate')).toBeTruthy();
    expect(box().value).toBe('martinez');
    expect(platform.caseRequests.length).toBe(before + 1);
    expect(platform.caseRequests.at(-1)).toMatchObject({ text: 'martinez', status: 'open' });
    expect(screen.queryByText('Other matter')).toBeNull();
  });

  it('keeps the sort, the scroll position and the rendered table of the case list across a sync', async () => {
    const platform = createMockPlatform({}, { cases: Array.from({ length: 220 }, (_, i) => caseRow(i)) });
    const { container } = render(App, { props: { platform } });
    const table = await screen.findByTestId('cases-table');
    await fireEvent.click(within(table).getByRole('button', { name: /^Case/ }));
    await waitFor(() => expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'name', descending: true }));
    const scroller = container.querySelector<HTMLElement>('.scroller');
    if (!scroller) throw new Error('no scroller');
    scroller.scrollTop = 120 * 38;
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(platform.caseRequests.some((r) => r.offset === 100 && r.descending)).toBe(true));
    const section = container.querySelector('[data-view="cases"]');
    const shown = screen.getByTestId('cases-table');
    platform.data.cases.push(caseRow(500));
    platform.emitCacheChanged();
    await waitFor(() => expect(screen.getByTestId('cases-count').textContent).toBe('221 cases'));
    expect(platform.caseRequests.at(-1)).toMatchObject({ sort: 'name', descending: true, status: 'open' });
    expect(scroller.scrollTop).toBe(120 * 38);
    expect(screen.getByRole('columnheader', { name: /^Case/ }).getAttribute('aria-sort')).toBe('descending');
    // The same elements, not a remount: a real window keeps its scroll position.
    expect(container.querySelector('[data-view="cases"]')).toBe(section);
    expect(screen.getByTestId('cases-table')).toBe(shown);
  });

  it('shows the new total when a sync removed cases', async () => {
    const platform = createMockPlatform({}, { cases: Array.from({ length: 60 }, (_, i) => caseRow(i)) });
    render(App, { props: { platform } });
    await screen.findByTestId('cases-table');
    await waitFor(() => expect(screen.getByTestId('cases-count').textContent).toBe('60 cases'));
    platform.data.cases.splice(40);
    platform.emitCacheChanged();
    await waitFor(() => expect(screen.getByTestId('cases-count').textContent).toBe('40 cases'));
    expect(screen.getByTestId('cases-table').querySelectorAll('tbody tr[data-index]').length).toBeLessThanOrEqual(40);
  });

  it('keeps the task filter and shows the synced tasks', async () => {
    const tasks: TaskItem[] = [
      task({ id: 't1', name: 'File the reply brief', priority: 'high', due: '2000-01-01', completed: false }),
      task({ id: 't2', name: 'Send engagement letter', priority: 'low', due: '2999-01-01', completed: false }),
    ];
    const platform = createMockPlatform({}, { tasks });
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Tasks/ }));
    await screen.findByTestId('tasks-list');
    await fireEvent.click(screen.getByRole('button', { name: 'Overdue' }));
    await waitFor(() => expect(within(screen.getByTestId('tasks-list')).getAllByRole('listitem')).toHaveLength(1));
    platform.data.tasks.push(task({ id: 't3', name: 'Serve the subpoena', priority: 'medium', due: '2000-02-01', completed: false }));
    platform.emitCacheChanged();
    await waitFor(() => expect(within(screen.getByTestId('tasks-list')).getAllByRole('listitem')).toHaveLength(2));
    expect(screen.getByRole('button', { name: 'Overdue' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByText('Send engagement letter')).toBeNull();
  });

  it('keeps the calendar on the week shown and fetches its events again', async () => {
    // jsdom has no ResizeObserver; the calendar only needs it to follow its host's height.
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    const events: CalendarEvent[] = [];
    const platform = createMockPlatform({}, { events });
    const list = platform.listEvents.bind(platform);
    let fetches = 0;
    platform.listEvents = (range) => {
      fetches++;
      return list(range);
    };
    const { container } = render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Calendar/ }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Week' }));
    await waitFor(() => expect(container.querySelector('.fc-timeGridWeek-view')).toBeTruthy());
    await waitFor(() => expect(fetches).toBeGreaterThan(0));
    const title = container.querySelector('.fc-toolbar-title')?.textContent;
    const before = fetches;
    platform.emitCacheChanged();
    await waitFor(() => expect(fetches).toBe(before + 1));
    expect(container.querySelector('.fc-timeGridWeek-view')).toBeTruthy();
    expect(container.querySelector('.fc-toolbar-title')?.textContent).toBe(title);
  });
});
