// A case note's text as the window shows it: plain text as sent, and an
// HTML note's text only, parsed in an inert document (nothing in it runs
// or loads) with its line and paragraph breaks kept.

const BLOCKS = 'p, div, li, tr, h1, h2, h3, h4, h5, h6, blockquote';

export function noteText(body: string, isHtml: boolean): string {
  if (!isHtml) return body.trim();
  const doc = new DOMParser().parseFromString(body, 'text/html');
  doc.querySelectorAll('script, style').forEach((el) => el.remove());
  doc.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
  doc.querySelectorAll(BLOCKS).forEach((el) => el.append('\n'));
  return (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}
