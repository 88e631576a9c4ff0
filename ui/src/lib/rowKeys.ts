// The keyboard of a list of focusable table rows: the open keys open the
// row, the arrows move the focus to the row above or below.

export function listRowKey(event: KeyboardEvent, open: () => void, openKeys: readonly string[] = ['Enter']): void {
  const row = event.currentTarget as HTMLElement;
  if (openKeys.includes(event.key)) {
    event.preventDefault();
    open();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    ((event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null)?.focus();
  }
}
