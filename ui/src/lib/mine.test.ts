import { describe, expect, it } from 'vitest';
import { withMe } from './mine';

const staff = [{ id: 's1', name: 'Ada Lee' }, { id: 's2', name: 'Ben Cho' }, { id: 's3', name: 'Cy Dunn' }];

describe('withMe', () => {
  it('puts the signed-in user first as "Me", once', () => {
    expect(withMe(staff, 's2')).toEqual([{ id: 's2', name: 'Me (Ben Cho)' }, { id: 's1', name: 'Ada Lee' }, { id: 's3', name: 'Cy Dunn' }]);
  });
  it('leaves the list alone while the user is not known, or not among the staff', () => {
    expect(withMe(staff, null)).toEqual(staff);
    expect(withMe(staff, 'gone')).toEqual(staff);
  });
});
