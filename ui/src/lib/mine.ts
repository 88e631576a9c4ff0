// "My events" and "my tasks": the staff filters offer the signed-in user
// first, as "Me (name)", once the account has said who that is.
import type { FilterOption } from '../platform';

/** The staff filter's choices: the user first, named as "Me", then everyone else. */
export function withMe(staff: FilterOption[], me: string | null): FilterOption[] {
  const mine = me ? staff.find((s) => s.id === me) : undefined;
  if (!mine) return staff;
  return [{ id: mine.id, name: `Me (${mine.name})` }, ...staff.filter((s) => s.id !== mine.id)];
}
