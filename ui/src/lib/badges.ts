// The mark an event or a task carries while its local change has not
// reached the server: waiting, refused (with the server's reason), or in
// conflict. One model for the calendar, the task list and the case screen.
import type { EditBadge } from '../platform';

export type BadgeKind = 'synced' | 'pending' | 'refused' | 'conflict';

/** Which mark to show; a conflict outranks a refusal, which outranks waiting. */
export function badgeKind(sync: EditBadge | null | undefined): BadgeKind {
  if (!sync) return 'synced';
  if (sync.conflict) return 'conflict';
  if (sync.problem) return 'refused';
  if (sync.pending) return 'pending';
  return 'synced';
}

/** The words for the mark, or null when there is nothing to say. */
export function badgeTitle(sync: EditBadge | null | undefined): string | null {
  switch (badgeKind(sync)) {
    case 'conflict':
      return 'Changed here and on the server: choose which to keep';
    case 'refused':
      return `The server refused this change: ${sync?.problem ?? ''}`;
    case 'pending':
      return 'Waiting to sync';
    default:
      return null;
  }
}

/** CSS classes for the calendar's event elements. */
export function badgeClasses(sync: EditBadge | null | undefined): string[] {
  const kind = badgeKind(sync);
  return kind === 'synced' ? [] : [`edit-${kind}`];
}
