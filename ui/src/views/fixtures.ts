// Records the view tests share.
import type { CaseDetail, TaskItem } from '../platform';

export const detail = (id: string, name: string, over: Partial<CaseDetail> = {}): CaseDetail => ({
  id, name, number: '2024-CV-001.2', description: null, status: 'open', opened_on: '2024-02-01', closed_on: null,
  clients: [{ id: 'p1', name: 'Maria Martinez', detail: 'maria@example.com' }], companies: [],
  staff: [{ id: 's1', name: 'Ada Lee', detail: 'Lead lawyer' }], upcoming_events: [], open_tasks: [], document_count: 0, pinned: false, offline_bytes: 0, ...over,
});

/** A task row as `list_tasks` answers, with what a test leaves out filled in. */
export function task(over: Partial<TaskItem> & Pick<TaskItem, 'id' | 'name'>): TaskItem {
  return { description: '', priority: 'medium', due: null, completed: false, case: null, staff: [], sync: { pending: false, problem: null, conflict: false, checking: false, failing: null }, ...over };
}
