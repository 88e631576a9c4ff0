// The conflict chooser's model: open conflicts grouped by record, one choice
// per field ("keep mine" or "keep theirs"), applied only when every field of
// the record has one. Nothing is ever chosen for the user.
import type { ConflictItem, Keep } from '../platform';

export interface ConflictRecord {
  key: string;
  kind: string;
  recordId: string;
  name: string;
  fields: ConflictItem[];
}

/** Conflicts by record, oldest first, keeping the server's field order. */
export function groupConflicts(items: ConflictItem[]): ConflictRecord[] {
  const out = new Map<string, ConflictRecord>();
  for (const c of [...items].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
    const key = `${c.kind}/${c.record_id}`;
    const record = out.get(key) ?? { key, kind: c.kind, recordId: c.record_id, name: c.record_name, fields: [] };
    record.fields.push(c);
    out.set(key, record);
  }
  return [...out.values()];
}

/** Every field of the record has a choice. */
export function readyToApply(record: ConflictRecord, choices: Record<string, Keep>): boolean {
  return record.fields.every((f) => choices[f.id] === 'mine' || choices[f.id] === 'theirs');
}

const LABELS: Record<string, string> = {
  name: 'Name', description: 'Description', location: 'Location', time: 'When', staff: 'Staff', case: 'Case',
  private: 'Private', priority: 'Priority', due: 'Due', completed: 'Completed', deleted_on_server: 'Deleted on the server',
};

/** The field's name for people. */
export function fieldLabel(field: string): string {
  return LABELS[field] ?? field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** A side's value for people: a time range as dates and times, a flag as yes/no, empty as "(empty)". */
export function showValue(value: string | null, format: (instant: string) => string): string {
  if (value === null || value === '') return '(empty)';
  if (value === 'true' || value === 'false') return value === 'true' ? 'Yes' : 'No';
  if (value.startsWith('{')) {
    try {
      const t = JSON.parse(value) as { kind?: string; start?: string; end?: string };
      if (t.kind === 'timed' && t.start && t.end) return `${format(t.start)} – ${format(t.end)}`;
      if (t.kind === 'all_day' && t.start && t.end) return t.start === t.end ? t.start : `${t.start} to ${t.end} (all day)`;
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return value;
}
