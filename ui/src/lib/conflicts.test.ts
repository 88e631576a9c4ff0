import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../App.svelte';
import { createMockPlatform } from '../platform/mock';
import type { ConflictItem } from '../platform';
import { fieldLabel, groupConflicts, readyToApply, showValue } from './conflicts';

afterEach(() => cleanup());

const conflict = (id: string, field: string, over: Partial<ConflictItem> = {}): ConflictItem => ({
  id, kind: 'event', record_id: 'e1', record_name: 'Hearing', field, base: 'Old', mine: 'Mine', theirs: 'Theirs', created_at: `2026-12-01T10:00:0${id.length}Z`, ...over,
});

describe('the conflict chooser model', () => {
  it('groups fields by record and applies only when every field has a side', () => {
    const records = groupConflicts([conflict('a', 'name'), conflict('bb', 'location'), conflict('c', 'name', { record_id: 't1', kind: 'task', record_name: 'Call' })]);
    expect(records.map((r) => [r.key, r.fields.map((f) => f.field)])).toEqual([['event/e1', ['name', 'location']], ['task/t1', ['name']]]);
    const first = records[0];
    if (!first) throw new Error('no record');
    expect(readyToApply(first, { a: 'mine' })).toBe(false);
    expect(readyToApply(first, { a: 'mine', bb: 'theirs' })).toBe(true);
  });

  it('shows values for people', () => {
    expect(showValue(null, (s) => s)).toBe('(empty)');
    expect(showValue('true', (s) => s)).toBe('Yes');
    expect(showValue('{"kind":"timed","start":"A","end":"B","zone":"UTC"}', (s) => `<${s}>`)).toBe('<A> – <B>');
    expect(showValue('<img src=x onerror=alert(1)>', (s) => s)).toBe('<img src=x onerror=alert(1)>');
    expect(fieldLabel('time')).toBe('When');
    expect(fieldLabel('court_room')).toBe('Court room');
  });
});

describe('the conflicts view', () => {
  it('counts conflicts in the navigation and sends one choice per field', async () => {
    const platform = createMockPlatform({}, { conflicts: [conflict('a', 'name'), conflict('bb', 'location')] });
    render(App, { props: { platform } });
    // One record with two fields in conflict.
    expect((await screen.findByTestId('count-conflicts')).textContent).toBe('1');
    expect((await screen.findByTestId('status-conflicts')).textContent?.trim()).toBe('1 conflict to choose');
    await fireEvent.click(screen.getByRole('button', { name: /Conflicts/ }));
    const record = await screen.findByTestId('conflict-record');
    const apply = within(record).getByTestId('conflict-apply');
    expect((apply as HTMLButtonElement).disabled).toBe(true);
    const [keepTheirsName] = record.querySelectorAll<HTMLInputElement>('tr[data-field="name"] input[value="theirs"]');
    const [keepMineLocation] = record.querySelectorAll<HTMLInputElement>('tr[data-field="location"] input[value="mine"]');
    if (!keepTheirsName || !keepMineLocation) throw new Error('no choices');
    await fireEvent.click(keepTheirsName);
    await fireEvent.click(keepMineLocation);
    await fireEvent.click(apply);
    await waitFor(() => expect(platform.edits).toEqual([['resolve_conflict', 'a', 'theirs'], ['resolve_conflict', 'bb', 'mine']]));
    expect(await screen.findByTestId('conflicts-empty')).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId('count-conflicts')).toBeNull());
  });
});
