// What the shown account's provider lets Casefile change, as the views and
// dialogs offer it: an action the provider does not take is disabled, with
// the reason as its tooltip, never offered and then refused.
import type { Changes } from '../platform';

/** Every change offered (the default until the settings arrive). */
export const ALL_CHANGES: Changes = { create: true, update: true, delete: true, description: true };

/** Whether a dialog may save: a new record needs create, an existing one update. */
export function canSave(changes: Changes, id: string | null): boolean {
  return id ? changes.update : changes.create;
}
