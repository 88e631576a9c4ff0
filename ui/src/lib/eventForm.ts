// The event edit dialog's model and the calendar adapter: what the form
// holds, how a calendar selection, a drag or a stored event becomes one, and
// how it goes back to Rust. Times in the form are wall-clock times in the
// zone shown (`YYYY-MM-DDTHH:MM`); Rust resolves them through the core's one
// time function, so a DST gap or fold is decided in one place. All-day
// events travel as dates (the form holds the LAST day; the calendar and the
// store use an exclusive end), so they never drift to another day.
import type { EventDetail, EventEdit, EventMove } from '../platform';

export interface EventForm {
  name: string;
  description: string;
  location: string;
  allDay: boolean;
  /** Timed: wall-clock `YYYY-MM-DDTHH:MM` in `zone`. */
  start: string;
  end: string;
  /** All-day: first and last day, `YYYY-MM-DD`. */
  firstDay: string;
  lastDay: string;
  caseId: string | null;
  caseName: string;
  staff: string[];
  private: boolean;
  /** The zone the wall-clock times are in. */
  zone: string;
  /** The zone a stored timed event was scheduled in, when known. */
  scheduledZone?: string | null;
}

/** Which field is wrong, and why, in words for the user. */
export interface FormProblem {
  field: 'name' | 'start' | 'end' | 'staff';
  message: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` plus `days`, in calendar days (no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) + days * 86_400_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** An instant as wall-clock `YYYY-MM-DDTHH:MM` in `zone`. */
export function wallClock(instant: string | Date, zone: string): string {
  const when = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(when);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * A blank form for a new event over [start, end): a click or a drag on the
 * calendar gives ISO text in the zone shown (`2026-03-10T10:00:00-04:00`, or
 * a date for all-day with an exclusive end), whose first characters are the
 * wall-clock time there.
 */
export function newEventForm(start: string, end: string, allDay: boolean, zone: string, staff: string[]): EventForm {
  const firstDay = start.slice(0, 10);
  const lastDay = allDay ? addDays(end.slice(0, 10), -1) : firstDay;
  const wall = (iso: string, fallback: string) => (iso.length >= 16 ? iso.slice(0, 16) : `${iso.slice(0, 10)}T${fallback}`);
  return {
    name: '', description: '', location: '', allDay,
    start: wall(start, '09:00'), end: allDay ? `${firstDay}T10:00` : wall(end, '10:00'),
    firstDay, lastDay: lastDay < firstDay ? firstDay : lastDay,
    caseId: null, caseName: '', staff, private: false, zone,
  };
}

/** The palette events are coloured from, by case or by staff member; readable with white text. */
export const PALETTE = ['#1f4e8c', '#2e7d4f', '#8a3b8f', '#b3541e', '#00707a', '#8c2f39', '#5b5f97', '#6b6b1f'];

/** A stable colour for an id (the same case or person is always the same colour). */
export function colourFor(id: string | null | undefined): string {
  if (!id) return '#5d6b7e';
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#5d6b7e';
}

/** The form for a stored event, its times shown in `zone`. */
export function formFromDetail(d: EventDetail, zone: string): EventForm {
  const form: EventForm = {
    name: d.name, description: d.description, location: d.location, allDay: d.all_day,
    start: '', end: '', firstDay: '', lastDay: '',
    caseId: d.case?.id ?? null, caseName: d.case?.name ?? '', staff: d.staff.map((s) => s.id), private: d.private, zone,
    scheduledZone: d.zone,
  };
  if (d.all_day) {
    form.firstDay = d.start;
    form.lastDay = addDays(d.end, -1);
    form.start = `${d.start}T09:00`;
    form.end = `${d.start}T10:00`;
  } else {
    form.start = wallClock(d.start, zone);
    form.end = wallClock(d.end, zone);
    form.firstDay = form.start.slice(0, 10);
    form.lastDay = form.end.slice(0, 10);
  }
  return form;
}

/** What is wrong with the form, or null; nothing is sent while something is. */
export function validate(form: EventForm): FormProblem | null {
  if (!form.name.trim()) return { field: 'name', message: 'Give the event a name.' };
  if (form.allDay) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.firstDay)) return { field: 'start', message: 'Choose the first day.' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.lastDay)) return { field: 'end', message: 'Choose the last day.' };
    if (form.lastDay < form.firstDay) return { field: 'end', message: 'The last day is before the first day.' };
  } else {
    if (!form.start) return { field: 'start', message: 'Choose when it starts.' };
    if (!form.end) return { field: 'end', message: 'Choose when it ends.' };
    // Same format, same zone: the text order is the time order.
    if (form.end <= form.start) return { field: 'end', message: 'The end is before the start: choose an end after it.' };
  }
  if (form.staff.length === 0) return { field: 'staff', message: "Choose at least one staff member: the firm's system needs one." };
  return null;
}

/** The form as the `save_event` command takes it. */
export function toEdit(form: EventForm): EventEdit {
  return {
    name: form.name.trim(),
    description: form.description,
    location: form.location,
    start: form.allDay ? form.firstDay : form.start,
    end: form.allDay ? form.lastDay : form.end,
    all_day: form.allDay,
    zone: form.zone,
    case_id: form.caseId,
    staff: form.staff,
    private: form.private,
  };
}

/**
 * A drag or a resize on the calendar, as `move_event` takes it. FullCalendar
 * gives an all-day event's dates with an exclusive end (or none for one day).
 */
export function moveFromCalendar(
  dropped: { startStr: string; endStr: string; allDay: boolean },
  zone: string,
): EventMove {
  if (dropped.allDay) {
    const first = dropped.startStr.slice(0, 10);
    const last = dropped.endStr ? addDays(dropped.endStr.slice(0, 10), -1) : first;
    return { start: first, end: last < first ? first : last, all_day: true, zone };
  }
  return { start: dropped.startStr, end: dropped.endStr || null, all_day: false, zone };
}

/** The edit as it was, to put back with Ctrl+Z while it has not synced. */
export function editFromDetail(d: EventDetail): EventEdit {
  return {
    name: d.name, description: d.description, location: d.location,
    start: d.start,
    end: d.all_day ? addDays(d.end, -1) : d.end,
    all_day: d.all_day, zone: d.zone ?? 'UTC',
    case_id: d.case?.id ?? null, staff: d.staff.map((s) => s.id), private: d.private,
  };
}
