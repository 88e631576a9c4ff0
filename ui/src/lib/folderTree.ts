// The folder tree's model: which folders are visible given what is expanded,
// and where each key moves the focus (a WAI-ARIA tree: arrows, Home/End,
// Left to collapse or go to the parent, Right to expand or go to the first child).
import type { FolderItem } from '../platform';

/** The parent path of a folder path ('' is the case root, which has none). */
export function parentPath(path: string): string | null {
  if (path === '') return null;
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

/** Whether `folders` (depth first) has a child of `path`. */
export function hasChildren(folders: FolderItem[], path: string): boolean {
  return folders.some((f) => parentPath(f.path) === path);
}

/** The folders shown: every ancestor of each one is expanded. */
export function visibleFolders(folders: FolderItem[], expanded: ReadonlySet<string>): FolderItem[] {
  return folders.filter((f) => {
    for (let p = parentPath(f.path); p !== null; p = parentPath(p)) {
      if (!expanded.has(p)) return false;
    }
    return true;
  });
}

export type TreeMove = { focus: string; expanded: Set<string> } | null;

/** Where a key leaves the focus and the expanded set; null for a key the tree does not take. */
export function treeKey(folders: FolderItem[], expanded: ReadonlySet<string>, focus: string, key: string): TreeMove {
  const shown = visibleFolders(folders, expanded);
  const at = Math.max(0, shown.findIndex((f) => f.path === focus));
  const next = new Set(expanded);
  const to = (i: number) => shown[Math.min(Math.max(i, 0), shown.length - 1)]?.path ?? focus;
  switch (key) {
    case 'ArrowDown':
      return { focus: to(at + 1), expanded: next };
    case 'ArrowUp':
      return { focus: to(at - 1), expanded: next };
    case 'Home':
      return { focus: to(0), expanded: next };
    case 'End':
      return { focus: to(shown.length - 1), expanded: next };
    case 'ArrowRight':
      if (!hasChildren(folders, focus)) return { focus, expanded: next };
      if (!expanded.has(focus)) {
        next.add(focus);
        return { focus, expanded: next };
      }
      return { focus: to(at + 1), expanded: next };
    case 'ArrowLeft': {
      if (expanded.has(focus) && hasChildren(folders, focus)) {
        next.delete(focus);
        return { focus, expanded: next };
      }
      const parent = parentPath(focus);
      return { focus: parent ?? focus, expanded: next };
    }
    default:
      return null;
  }
}

/** The breadcrumb of a folder: [path, name] from the case root down. */
export function breadcrumb(path: string, rootName: string): [string, string][] {
  const crumbs: [string, string][] = [['', rootName]];
  if (path === '') return crumbs;
  const parts = path.split('/');
  parts.forEach((name, i) => crumbs.push([parts.slice(0, i + 1).join('/'), name]));
  return crumbs;
}
