import { describe, expect, it } from 'vitest';
import { groupOf, groupTasks, toTaskEdit, validateTask, newTaskForm } from './tasks';
import { badgeKind, badgeLabel, badgeTitle } from './badges';

describe('task grouping', () => {
  const today = '2026-12-02';
  it('puts each task in overdue, today, this week, later, no date or completed', () => {
    expect(groupOf({ due: '2026-12-01', completed: false }, today)).toBe('overdue');
    expect(groupOf({ due: '2026-12-02', completed: false }, today)).toBe('today');
    expect(groupOf({ due: '2026-12-08', completed: false }, today)).toBe('week');
    expect(groupOf({ due: '2026-12-09', completed: false }, today)).toBe('later');
    expect(groupOf({ due: null, completed: false }, today)).toBe('undated');
    expect(groupOf({ due: '2026-11-01', completed: true }, today)).toBe('done');
  });

  it('keeps the order Rust sorted in, inside groups in a fixed order, leaving empty groups out', () => {
    const rows = [
      { id: 'a', due: '2026-11-30', completed: false },
      { id: 'b', due: '2026-12-20', completed: false },
      { id: 'c', due: '2026-12-01', completed: false },
      { id: 'd', due: null, completed: false },
    ];
    const groups = groupTasks(rows, today);
    expect(groups.map((g) => [g.id, g.tasks.map((t) => t.id)])).toEqual([['overdue', ['a', 'c']], ['later', ['b']], ['undated', ['d']]]);
  });
});

describe('the task form', () => {
  it('needs a name, a due date and an assignee', () => {
    const form = newTaskForm('2026-12-02', ['s1']);
    expect(validateTask(form)?.field).toBe('name');
    expect(validateTask({ ...form, name: 'File it', due: '' })?.field).toBe('due');
    expect(validateTask({ ...form, name: 'File it', staff: [] })?.field).toBe('staff');
    expect(validateTask({ ...form, name: 'File it' })).toBeNull();
    expect(toTaskEdit({ ...form, name: ' File it ' })).toEqual({ name: 'File it', description: '', priority: 'medium', due: '2026-12-02', case_id: null, staff: ['s1'] });
  });
});

describe('the edit badge', () => {
  it('ranks conflict over refused over waiting, and says why', () => {
    expect(badgeKind({ pending: false, problem: null, conflict: false, checking: false, failing: null })).toBe('synced');
    expect(badgeKind({ pending: true, problem: null, conflict: false, checking: false, failing: null })).toBe('pending');
    expect(badgeKind({ pending: true, problem: 'no staff', conflict: false, checking: false, failing: null })).toBe('refused');
    expect(badgeKind({ pending: true, problem: 'no staff', conflict: true, checking: false, failing: null })).toBe('conflict');
    expect(badgeTitle({ pending: true, problem: 'staff is required', conflict: false, checking: false, failing: null })).toContain('staff is required');
    expect(badgeTitle({ pending: false, problem: null, conflict: false, checking: false, failing: null })).toBeNull();
  });

  it('shows a create whose answer was lost as checking, not as waiting', () => {
    const checking = { pending: true, problem: null, conflict: false, checking: true, failing: null };
    expect(badgeKind(checking)).toBe('checking');
    expect(badgeLabel(badgeKind(checking))).toBe('Checking…');
    expect(badgeTitle(checking)).toContain('asked whether it arrived');
    expect(badgeKind({ ...checking, conflict: true })).toBe('conflict');
  });

  it('shows a change the server keeps failing as failing, with its words', () => {
    const failing = { pending: true, problem: null, conflict: false, checking: false, failing: 'server_error: server error (status 500)' };
    expect(badgeKind(failing)).toBe('failing');
    expect(badgeLabel('failing')).toBe('Failing');
    expect(badgeTitle(failing)).toContain('status 500');
    expect(badgeKind({ ...failing, problem: 'refused' })).toBe('refused');
  });
});
