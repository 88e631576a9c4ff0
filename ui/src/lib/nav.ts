// The app's top-level views, in navigation order. Keyboard: Ctrl/Cmd+1..6.
export type ViewId = 'cases' | 'calendar' | 'tasks' | 'documents' | 'accounts' | 'conflicts';

export interface NavItem {
  id: ViewId;
  label: string;
  shortcut: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'cases', label: 'Cases', shortcut: '1' },
  { id: 'calendar', label: 'Calendar', shortcut: '2' },
  { id: 'tasks', label: 'Tasks', shortcut: '3' },
  { id: 'documents', label: 'Documents', shortcut: '4' },
  { id: 'accounts', label: 'Accounts', shortcut: '5' },
  { id: 'conflicts', label: 'Conflicts', shortcut: '6' },
];

/** The view a Ctrl/Cmd+digit shortcut selects, or null. */
export function viewForShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): ViewId | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  return NAV_ITEMS.find((item) => item.shortcut === event.key)?.id ?? null;
}
