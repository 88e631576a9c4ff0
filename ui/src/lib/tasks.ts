// The task list's model: the groups it shows (overdue, today, this week,
// later, no date) over rows Rust has already sorted by due date, and the
// task dialog's form, checked before anything is sent.
import type { TaskEdit, TaskItem } from '../platform';
import { addDays } from './eventForm';

export type GroupId = 'overdue' | 'today' | 'week' | 'later' | 'undated' | 'done';

export const GROUP_LABELS: Record<GroupId, string> = {
  overdue: 'Overdue',
  today: 'Today',
  week: 'This week',
  later: 'Later',
  undated: 'No due date',
  done: 'Completed',
};

/** The group a task falls in on `today` (YYYY-MM-DD, the laptop's date). "This week" is the next six days. */
export function groupOf(task: Pick<TaskItem, 'due' | 'completed'>, today: string): GroupId {
  if (task.completed) return 'done';
  if (!task.due) return 'undated';
  if (task.due < today) return 'overdue';
  if (task.due === today) return 'today';
  if (task.due <= addDays(today, 6)) return 'week';
  return 'later';
}

const ORDER: GroupId[] = ['overdue', 'today', 'week', 'later', 'undated', 'done'];

/** The page's tasks in their groups, in the list's order; empty groups are left out. */
export function groupTasks<T extends Pick<TaskItem, 'due' | 'completed'>>(tasks: T[], today: string): { id: GroupId; label: string; tasks: T[] }[] {
  const byGroup = new Map<GroupId, T[]>();
  for (const t of tasks) {
    const g = groupOf(t, today);
    const list = byGroup.get(g);
    if (list) list.push(t);
    else byGroup.set(g, [t]);
  }
  return ORDER.filter((g) => byGroup.has(g)).map((g) => ({ id: g, label: GROUP_LABELS[g], tasks: byGroup.get(g) ?? [] }));
}

export interface TaskForm {
  name: string;
  description: string;
  priority: 'low' | 'medium' | 'high';
  due: string;
  caseId: string | null;
  caseName: string;
  staff: string[];
}

export function newTaskForm(today: string, staff: string[], caseChoice: { id: string; name: string } | null = null): TaskForm {
  return { name: '', description: '', priority: 'medium', due: today, caseId: caseChoice?.id ?? null, caseName: caseChoice?.name ?? '', staff };
}

export function taskFormFrom(task: TaskItem): TaskForm {
  const priority = task.priority === 'low' || task.priority === 'high' ? task.priority : 'medium';
  return { name: task.name, description: task.description, priority, due: task.due ?? '', caseId: task.case?.id ?? null, caseName: task.case?.name ?? '', staff: task.staff.map((s) => s.id) };
}

/** What is wrong with the form, or null. */
export function validateTask(form: TaskForm): { field: 'name' | 'due' | 'staff'; message: string } | null {
  if (!form.name.trim()) return { field: 'name', message: 'Give the task a name.' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.due)) return { field: 'due', message: 'Choose a due date.' };
  if (form.staff.length === 0) return { field: 'staff', message: 'Assign it to at least one staff member.' };
  return null;
}

export function toTaskEdit(form: TaskForm): TaskEdit {
  return { name: form.name.trim(), description: form.description, priority: form.priority, due: form.due, case_id: form.caseId, staff: form.staff };
}
