// The case screen against the mock platform: opening a case from the list
// with the keyboard, walking its folders, and files dropped from the desktop
// (the target named while hovering, a name clash asked once, bad files
// reported by name).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform, type MockPlatform } from '../platform/mock';
import type { FileItem } from '../platform';
import { detail } from './fixtures';

const file = (name: string, over: Partial<FileItem> = {}): FileItem => ({
  document: `d-${name}`, transfer: null, name, path: name, size: 2048, updated: '2026-11-20T15:00:00Z', badge: 'synced', percent: 100, reason: null, ...over,
});

function firm(): MockPlatform {
  const platform = createMockPlatform({}, {
    cases: [{ id: 'c1', name: 'Smith v. Jones', number: '2026-CV-1', status: 'open', stage: null, practice_area: null, opened_on: null, pending_changes: false }],
  });
  platform.data.details.c1 = detail('c1', 'Smith v. Jones', { document_count: 2 });
  platform.data.folders.c1 = [
    { path: '', name: '', depth: 0, documents: 1, pending: false },
    { path: 'Pleadings', name: 'Pleadings', depth: 1, documents: 1, pending: false },
  ];
  platform.data.files['c1/'] = [file('Engagement letter.pdf')];
  platform.data.files['c1/Pleadings'] = [file('Complaint.pdf', { path: 'Pleadings/Complaint.pdf', badge: 'uploading', percent: 40 })];
  return platform;
}

async function openDocuments(platform: MockPlatform) {
  render(App, { props: { platform } });
  const row = (await screen.findByTestId('cases-table')).querySelector<HTMLElement>('tbody tr')!;
  row.focus();
  await fireEvent.keyDown(row, { key: 'Enter' });
  await screen.findByTestId('case-title');
  await fireEvent.click(screen.getByRole('tab', { name: /Documents/ }));
  await screen.findByTestId('folder-tree');
}

/** Makes the point every drag is at resolve to `el`, as the window's hit test would. */
function pointAt(el: Element) {
  document.elementFromPoint = () => el;
}

describe('A case screen', () => {
  afterEach(() => cleanup());

  it('opens from the list with Enter and shows its people', async () => {
    const platform = firm();
    render(App, { props: { platform } });
    const row = (await screen.findByTestId('cases-table')).querySelector<HTMLElement>('tbody tr')!;
    await fireEvent.keyDown(row, { key: 'Enter' });
    const overview = await screen.findByTestId('case-overview');
    expect(overview.textContent).toContain('Maria Martinez');
    expect(overview.textContent).toContain('Lead lawyer');
  });

  it('shows no notes where the provider keeps none, and a matter\'s notes newest first, as text, where it does', async () => {
    const platform = firm();
    render(App, { props: { platform } });
    const row = (await screen.findByTestId('cases-table')).querySelector<HTMLElement>('tbody tr')!;
    await fireEvent.keyDown(row, { key: 'Enter' });
    await screen.findByTestId('case-overview');
    expect(screen.queryByTestId('case-notes')).toBeNull();
    cleanup();

    const kept = firm();
    const note = (id: string, subject: string, body: string, is_html = false) => ({ id, subject, body, is_html, note_type: 'Case Note', posted_on: '2026-11-02', created_at: null, author: 'Ann Lee' });
    kept.data.notes.c1 = [
      note('n1', 'Intake interview', 'Met the client.'),
      note('n2', 'Hearing moved', '<p>To <b>3 pm</b></p><img src=x onerror="window.hacked=1">', true),
    ];
    render(App, { props: { platform: kept } });
    const row2 = (await screen.findByTestId('cases-table')).querySelector<HTMLElement>('tbody tr')!;
    await fireEvent.keyDown(row2, { key: 'Enter' });
    const notes = await screen.findByTestId('case-notes');
    const items = within(notes).getAllByTestId('case-note');
    expect(items.map((i) => i.querySelector('.subject')?.textContent)).toEqual(['Hearing moved', 'Intake interview']);
    expect(items[0]?.querySelector('.body')?.textContent).toBe('To 3 pm');
    expect(notes.querySelector('img')).toBeNull();
    expect(items[1]?.textContent).toContain('Ann Lee');
  });

  it('walks into a subfolder with the keyboard and shows its files and badges', async () => {
    const platform = firm();
    await openDocuments(platform);
    expect((await screen.findByTestId('files-table')).textContent).toContain('Engagement letter.pdf');
    const root = screen.getByRole('treeitem', { name: /^Documents/ });
    root.focus();
    await fireEvent.keyDown(root, { key: 'ArrowDown' });
    await fireEvent.keyDown(screen.getByRole('treeitem', { name: /Pleadings/ }), { key: 'Enter' });
    const table = await screen.findByTestId('files-table');
    await waitFor(() => expect(table.textContent).toContain('Complaint.pdf'));
    expect(within(table).getByText('Uploading 40 %')).toBeTruthy();
    expect(screen.getByTestId('breadcrumb').textContent).toContain('Pleadings');
  });

  it('names the folder while a file is dragged over it, and uploads there on drop', async () => {
    const platform = firm();
    await openDocuments(platform);
    const pleadings = screen.getByRole('treeitem', { name: /Pleadings/ });
    pointAt(pleadings);
    platform.emitFileDrag({ type: 'over', x: 10, y: 10 });
    await waitFor(() => expect(screen.getByTestId('drop-target').textContent).toContain('Drop to upload to Pleadings'));
    platform.emitFileDrag({ type: 'drop', x: 10, y: 10, paths: ['/home/ada/brief.pdf'] });
    await waitFor(() => expect(platform.drops).toEqual([['c1', 'Pleadings', ['/home/ada/brief.pdf'], null]]));
    await waitFor(() => expect(screen.getByTestId('drop-notice').textContent).toContain('1 file queued for upload to Pleadings'));
  });

  it('asks once about a name clash and reports the files it could not take', async () => {
    const platform = firm();
    await openDocuments(platform);
    pointAt(screen.getByTestId('files-table'));
    platform.data.dropAnswer = { outcome: 'clashes', names: ['Engagement letter.pdf'], versions: true };
    platform.emitFileDrag({ type: 'drop', x: 1, y: 1, paths: ['/d/Engagement letter.pdf', '/d/empty.txt'] });
    const dialog = await screen.findByTestId('clash-dialog');
    expect(within(dialog).getByRole('button', { name: 'Upload as a new version' })).toBeTruthy();
    platform.data.dropAnswer = { outcome: 'queued', queued: 1, problems: [{ name: 'empty.txt', message: 'It is empty (0 bytes); nothing to upload.' }] };
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep both' }));
    await waitFor(() => expect(platform.drops.at(-1)).toEqual(['c1', '', ['/d/Engagement letter.pdf', '/d/empty.txt'], 'keep_both']));
    expect((await screen.findByTestId('drop-problems')).textContent).toContain('empty.txt: It is empty (0 bytes); nothing to upload.');
    expect(screen.queryByTestId('clash-dialog')).toBeNull();
  });

  it('offers only "keep both" when the firm\'s system keeps no versions', async () => {
    const platform = firm();
    await openDocuments(platform);
    pointAt(screen.getByTestId('files-table'));
    platform.data.dropAnswer = { outcome: 'clashes', names: ['Engagement letter.pdf'], versions: false };
    platform.emitFileDrag({ type: 'drop', x: 1, y: 1, paths: ['/d/Engagement letter.pdf'] });
    const dialog = await screen.findByTestId('clash-dialog');
    expect(within(dialog).queryByRole('button', { name: 'Upload as a new version' })).toBeNull();
    expect(within(dialog).getByTestId('no-versions').textContent).toContain('keeps no versions');
    platform.data.dropAnswer = { outcome: 'queued', queued: 1, problems: [] };
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep both' }));
    await waitFor(() => expect(platform.drops.at(-1)).toEqual(['c1', '', ['/d/Engagement letter.pdf'], 'keep_both']));
  });

  it('says where to drop when a file lands on nothing', async () => {
    const platform = firm();
    await openDocuments(platform);
    document.elementFromPoint = () => null;
    platform.emitFileDrag({ type: 'drop', x: 1, y: 1, paths: ['/d/a.pdf'] });
    expect((await screen.findByTestId('drop-notice')).textContent).toContain('Drop the files on a folder or on the file list');
    expect(platform.drops).toEqual([]);
  });

  it('opens a recent document in its case, at its folder, from the Documents view', async () => {
    const platform = firm();
    platform.data.recent = [{ id: 'd1', name: 'Complaint.pdf', folder: 'Pleadings', case_id: 'c1', case_name: 'Smith v. Jones', updated: '2026-11-20T15:00:00Z' }];
    render(App, { props: { platform } });
    await fireEvent.click(screen.getByRole('button', { name: /Documents/ }));
    const row = (await screen.findByTestId('recent-documents')).querySelector<HTMLElement>('tbody tr')!;
    await fireEvent.keyDown(row, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('files-table').textContent).toContain('Complaint.pdf'));
    expect(screen.getByTestId('breadcrumb').textContent).toContain('Pleadings');
  });

  it('opens a file with Enter and keeps the case offline on request', async () => {
    const platform = firm();
    await openDocuments(platform);
    const row = (await screen.findByTestId('files-table')).querySelector<HTMLElement>('tr[data-file="Engagement letter.pdf"]')!;
    await fireEvent.keyDown(row, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('drop-notice').textContent).toContain('Opened Engagement letter.pdf.'));
    expect(platform.opened).toEqual(['d-Engagement letter.pdf']);
    await fireEvent.click(screen.getByTestId('keep-offline'));
    await waitFor(() => expect(screen.getByTestId('keep-offline').textContent?.trim()).toBe('Stop keeping offline'));
    expect(platform.kept).toEqual([['c1', true]]);
  });

  it('saves a copy of a file with Ctrl+S or its button, and says where it went', async () => {
    const platform = firm();
    await openDocuments(platform);
    const row = (await screen.findByTestId('files-table')).querySelector<HTMLElement>('tr[data-file="Engagement letter.pdf"]')!;
    await fireEvent.keyDown(row, { key: 's', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('drop-notice').textContent).toContain('Saved a copy of Engagement letter.pdf as /home/me/Desktop/'));
    await fireEvent.click(row.querySelector<HTMLElement>('[data-testid=save-copy]')!);
    await waitFor(() => expect(platform.saved).toEqual(['d-Engagement letter.pdf', 'd-Engagement letter.pdf']));
  });

  it('makes a new folder from the keyboard, refuses a taken name, and says when the tree was refreshed', async () => {
    const platform = firm();
    await openDocuments(platform);
    await waitFor(() => expect(screen.getByTestId('folders-refreshed').textContent).toContain('Folders refreshed'));
    await fireEvent.keyDown(window, { key: 'N', ctrlKey: true, shiftKey: true });
    const dialog = await screen.findByTestId('new-folder-dialog');
    const name = within(dialog).getByLabelText('Folder name');
    await fireEvent.input(name, { target: { value: 'pleadings' } });
    await fireEvent.click(within(dialog).getByTestId('new-folder-create'));
    await waitFor(() => expect(dialog.textContent).toContain('already here'));
    await fireEvent.input(name, { target: { value: 'Research' } });
    await fireEvent.click(within(dialog).getByTestId('new-folder-create'));
    await waitFor(() => expect(screen.queryByTestId('new-folder-dialog')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('folder-tree').querySelector('[data-folder="Research"]')?.getAttribute('aria-selected')).toBe('true'));
    const made = screen.getByTestId('folder-tree').querySelector<HTMLElement>('[data-folder="Research"]')!;
    expect(made.querySelector('.fname')?.getAttribute('title')).toContain('made on this laptop');
    expect(screen.getByTestId('breadcrumb').textContent).toContain('Research');
  });

  it('opens a document, a task and an event found by search themselves', async () => {
    const platform = firm();
    platform.data.details.c1 = detail('c1', 'Smith v. Jones', {
      open_tasks: [{ id: 't9', name: 'File the reply brief', due: '2026-12-09', priority: 'high' }],
    });
    platform.data.searchHits = [
      { kind: 'document', id: 'd-Complaint.pdf', title: 'Complaint.pdf', subtitle: 'Pleadings', case_id: 'c1', at: 'Pleadings' },
      { kind: 'task', id: 't9', title: 'File the reply brief', subtitle: null, case_id: 'c1', at: '2026-12-09' },
      { kind: 'event', id: 'e4', title: 'Reply hearing', subtitle: null, case_id: 'c1', at: '2026-12-15T15:00:00Z' },
    ];
    render(App, { props: { platform } });
    const box = screen.getByRole('combobox', { name: 'Search everything' });
    const pick = async (text: string) => {
      await fireEvent.input(box, { target: { value: text } });
      await waitFor(() => expect(screen.getByTestId('search-results').textContent).toContain(text));
      await fireEvent.keyDown(box, { key: 'Enter' });
    };
    await pick('Complaint');
    await waitFor(() => expect(screen.getByTestId('breadcrumb').textContent).toContain('Pleadings'));
    await waitFor(() => expect(document.activeElement?.getAttribute('data-file')).toBe('Complaint.pdf'));
    expect(document.activeElement?.classList.contains('found')).toBe(true);
    await pick('reply brief');
    await waitFor(() => expect(screen.getByTestId('case-tasks').querySelector('[data-found]')?.textContent).toContain('File the reply brief'));
    // jsdom has no ResizeObserver; the calendar only needs it to follow its host's height.
    vi.stubGlobal('ResizeObserver', class { observe() {} unobserve() {} disconnect() {} });
    await pick('Reply hearing');
    await waitFor(() => expect(document.querySelector('[data-view="calendar"] .fc-timeGridDay-view')).toBeTruthy());
    expect(document.querySelector('.fc-toolbar-title')?.textContent).toContain('December 15, 2026');
    vi.unstubAllGlobals();
  });

  it('draws only the rows in view of a folder of 1,000 documents', async () => {
    const platform = firm();
    platform.data.files['c1/'] = Array.from({ length: 1000 }, (_, i) => file(`Exhibit ${String(i).padStart(4, '0')}.pdf`));
    await openDocuments(platform);
    await waitFor(() => expect(screen.getByTestId('files-count').textContent).toBe('1000 documents'));
    const drawn = screen.getByTestId('files-table').querySelectorAll('tbody tr[data-index]');
    expect(drawn.length).toBeGreaterThan(10);
    expect(drawn.length).toBeLessThan(100);
    expect(drawn[0]?.getAttribute('data-file')).toBe('Exhibit 0000.pdf');
  });
});
