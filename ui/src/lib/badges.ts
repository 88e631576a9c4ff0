// The mark an event or a task carries while its local change has not
// reached the server: waiting, checking (its create was sent and the answer
// lost: the server is asked before it is sent again), failing (the server
// keeps answering its sends with errors; tried again less often), refused
// (with the server's reason), or in conflict. One model for the calendar, the task
// list and the case screen.
import type { EditBadge } from '../platform';

export type BadgeKind = 'synced' | 'pending' | 'checking' | 'failing' | 'refused' | 'conflict';

/** Which mark to show: a conflict, then a refusal, then failing, then checking, then waiting. */
export function badgeKind(sync: EditBadge | null | undefined): BadgeKind {
  if (!sync) return 'synced';
  if (sync.conflict) return 'conflict';
  if (sync.problem) return 'refused';
  if (sync.failing) return 'failing';
  if (sync.checking) return 'checking';
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
    case 'failing':
      return `Sending this keeps failing: ${sync?.failing ?? ''}. Casefile tries again by itself, less often each time`;
    case 'checking':
      return 'Checking: the answer to sending this was lost, so the server is being asked whether it arrived before it is sent again';
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

/** The short label on a task's or a case row's badge. */
export function badgeLabel(kind: BadgeKind): string {
  switch (kind) {
    case 'pending':
      return 'Waiting to sync';
    case 'failing':
      return 'Failing';
    case 'checking':
      return 'Checking…';
    case 'refused':
      return 'Refused';
    case 'conflict':
      return 'Conflict';
    default:
      return '';
  }
}
