import { describe, expect, it } from 'vitest';
import type { FolderItem } from '../platform';
import { breadcrumb, treeKey, visibleFolders } from './folderTree';

const f = (path: string, depth: number): FolderItem => ({ path, name: path.split('/').pop() ?? '', depth, documents: 0, pending: false });
const tree = [f('', 0), f('Pleadings', 1), f('Pleadings/Motions', 2), f('Pleadings/Motions/Drafts', 3), f('Discovery', 1)].sort((a, b) =>
  a.path.localeCompare(b.path),
);

describe('the folder tree', () => {
  it('shows a folder only when every ancestor is expanded', () => {
    expect(visibleFolders(tree, new Set([''])).map((x) => x.path)).toEqual(['', 'Discovery', 'Pleadings']);
    expect(visibleFolders(tree, new Set(['', 'Pleadings'])).map((x) => x.path)).toEqual(['', 'Discovery', 'Pleadings', 'Pleadings/Motions']);
    expect(visibleFolders(tree, new Set(['Pleadings'])).map((x) => x.path)).toEqual(['']);
  });

  it('moves with the arrows, Home and End over the visible folders only', () => {
    const open = new Set(['', 'Pleadings']);
    expect(treeKey(tree, open, '', 'ArrowDown')?.focus).toBe('Discovery');
    expect(treeKey(tree, open, 'Pleadings/Motions', 'ArrowDown')?.focus).toBe('Pleadings/Motions');
    expect(treeKey(tree, open, 'Discovery', 'ArrowUp')?.focus).toBe('');
    expect(treeKey(tree, open, 'Discovery', 'End')?.focus).toBe('Pleadings/Motions');
    expect(treeKey(tree, open, 'Pleadings', 'Home')?.focus).toBe('');
  });

  it('expands with Right, then enters; collapses with Left, then goes to the parent', () => {
    const open = new Set(['']);
    const expanded = treeKey(tree, open, 'Pleadings', 'ArrowRight');
    expect(expanded?.focus).toBe('Pleadings');
    expect(expanded?.expanded.has('Pleadings')).toBe(true);
    expect(treeKey(tree, expanded!.expanded, 'Pleadings', 'ArrowRight')?.focus).toBe('Pleadings/Motions');
    const collapsed = treeKey(tree, expanded!.expanded, 'Pleadings', 'ArrowLeft');
    expect(collapsed?.expanded.has('Pleadings')).toBe(false);
    expect(treeKey(tree, expanded!.expanded, 'Pleadings/Motions', 'ArrowLeft')?.focus).toBe('Pleadings');
    expect(treeKey(tree, open, 'Discovery', 'ArrowRight')?.focus).toBe('Discovery');
    expect(treeKey(tree, open, 'Discovery', 'x')).toBeNull();
  });

  it('names every folder from the case root down in the breadcrumb', () => {
    expect(breadcrumb('Pleadings/Motions', 'Smith v. Jones')).toEqual([
      ['', 'Smith v. Jones'],
      ['Pleadings', 'Pleadings'],
      ['Pleadings/Motions', 'Motions'],
    ]);
  });
});
