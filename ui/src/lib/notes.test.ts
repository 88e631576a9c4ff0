import { describe, expect, it } from 'vitest';
import { noteText } from './notes';

describe('noteText', () => {
  it('keeps a plain note as sent, markup-looking text included', () => {
    expect(noteText('  <b>Not bold</b>\nSecond line ', false)).toBe('<b>Not bold</b>\nSecond line');
  });

  it('shows an HTML note as its text, with its breaks, and nothing of its scripts', () => {
    const text = noteText('<p>First <b>part</b></p><p>Second<br>line</p><script>alert(1)</script><img src=x onerror=alert(2)>', true);
    expect(text).toBe('First part\nSecond\nline');
  });
});
