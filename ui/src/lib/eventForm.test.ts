import { describe, expect, it } from 'vitest';
import { addDays, colourFor, PALETTE, formFromDetail, moveFromCalendar, newEventForm, toEdit, validate, wallClock } from './eventForm';
import type { EventDetail } from '../platform';

const detail = (over: Partial<EventDetail> = {}): EventDetail => ({
  id: 'e1', name: 'Hearing', description: '', location: '', start: '2026-03-10T14:00:00+00:00', end: '2026-03-10T15:30:00+00:00',
  all_day: false, zone: 'America/New_York', case: null, staff: [{ id: 's1', name: 'Ada Lee' }], private: false,
  sync: { pending: false, problem: null, conflict: false, checking: false, failing: null }, ...over,
});

describe('the calendar adapter', () => {
  it('shows an instant as wall-clock time in the zone shown, across DST', () => {
    expect(wallClock('2026-03-08T07:30:00Z', 'America/New_York')).toBe('2026-03-08T03:30');
    expect(wallClock('2026-03-08T06:30:00Z', 'America/New_York')).toBe('2026-03-08T01:30');
    expect(wallClock('2026-07-01T00:30:00Z', 'Pacific/Honolulu')).toBe('2026-06-30T14:30');
  });

  it('counts calendar days without a zone, across month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('turns an all-day selection with an exclusive end into first and last day', () => {
    const form = newEventForm('2026-03-15', '2026-03-17', true, 'Pacific/Honolulu', ['s1']);
    expect([form.firstDay, form.lastDay, form.allDay]).toEqual(['2026-03-15', '2026-03-16', true]);
    expect(toEdit({ ...form, name: 'Trial' })).toMatchObject({ start: '2026-03-15', end: '2026-03-16', all_day: true });
  });

  it('takes a timed selection as wall-clock time in the zone shown', () => {
    const form = newEventForm('2026-03-08T03:30:00-04:00', '2026-03-08T04:30:00-04:00', false, 'America/New_York', []);
    expect([form.start, form.end, form.allDay]).toEqual(['2026-03-08T03:30', '2026-03-08T04:30', false]);
  });

  it('colours the same case the same way every time, and no case neutrally', () => {
    expect(colourFor('case-1')).toBe(colourFor('case-1'));
    expect(PALETTE).toContain(colourFor('case-2'));
    expect(colourFor(null)).toBe('#5d6b7e');
  });

  it('sends a dragged all-day event as its last day, and a one-day drop as that day', () => {
    expect(moveFromCalendar({ startStr: '2026-03-15', endStr: '2026-03-18', allDay: true }, 'UTC')).toEqual({ start: '2026-03-15', end: '2026-03-17', all_day: true, zone: 'UTC' });
    expect(moveFromCalendar({ startStr: '2026-03-15', endStr: '', allDay: true }, 'UTC')).toEqual({ start: '2026-03-15', end: '2026-03-15', all_day: true, zone: 'UTC' });
    expect(moveFromCalendar({ startStr: '2026-03-15T10:00:00-04:00', endStr: '2026-03-15T11:00:00-04:00', allDay: false }, 'UTC').start).toBe('2026-03-15T10:00:00-04:00');
  });

  it('shows a stored all-day event with its last day, never shifted by the zone', () => {
    const form = formFromDetail(detail({ all_day: true, start: '2026-03-15', end: '2026-03-16', zone: null }), 'Pacific/Kiritimati');
    expect([form.firstDay, form.lastDay]).toEqual(['2026-03-15', '2026-03-15']);
    const back = toEdit(form);
    expect([back.start, back.end]).toEqual(['2026-03-15', '2026-03-15']);
  });

  it('shows a timed event in the zone chosen and sends the wall-clock time with that zone', () => {
    const form = formFromDetail(detail(), 'America/New_York');
    expect([form.start, form.end]).toEqual(['2026-03-10T10:00', '2026-03-10T11:30']);
    expect(toEdit(form)).toMatchObject({ start: '2026-03-10T10:00', end: '2026-03-10T11:30', zone: 'America/New_York', staff: ['s1'] });
  });
});

describe('the event form rules', () => {
  const good = () => formFromDetail(detail(), 'UTC');

  it('accepts a complete form', () => expect(validate(good())).toBeNull());

  it('refuses an end before the start, on the end field', () => {
    expect(validate({ ...good(), end: '2026-03-10T13:00' })).toEqual({ field: 'end', message: expect.stringContaining('before the start') });
    expect(validate({ ...good(), end: good().start })?.field).toBe('end');
  });

  it('refuses a last day before the first, a blank name and no attendee', () => {
    expect(validate({ ...good(), allDay: true, firstDay: '2026-03-10', lastDay: '2026-03-09' })?.field).toBe('end');
    expect(validate({ ...good(), name: '  ' })?.field).toBe('name');
    expect(validate({ ...good(), staff: [] })?.field).toBe('staff');
  });
});
