import { describe, expect, it } from 'vitest';
import type { FileItem, TransferItem } from '../platform';
import { badge, fileType, formatSize, progressLine, transferActions } from './files';

const file = (over: Partial<FileItem>): FileItem => ({
  document: 'd', transfer: null, name: 'Brief.pdf', path: 'Brief.pdf', size: 10, updated: null, badge: 'synced', percent: 100, reason: null, ...over,
});
const transfer = (over: Partial<TransferItem>): TransferItem => ({
  id: 't', upload: true, state: 'running', name: 'a.pdf', path: 'a.pdf', case_id: 'c', size: 10 * 1024 * 1024, done_bytes: 3 * 1024 * 1024,
  bytes_per_s: 1024 * 1024, seconds_left: 7, error: null, retry_at: null, ...over,
});

describe('file badges', () => {
  it('say where each file stands in plain words', () => {
    expect(badge(file({})).label).toBe('Synced');
    expect(badge(file({ badge: 'offline' })).label).toBe('Available offline');
    expect(badge(file({ badge: 'queued', document: null })).label).toBe('Queued');
    expect(badge(file({ badge: 'uploading', percent: 42 })).label).toBe('Uploading 42 %');
    expect(badge(file({ badge: 'uploading', percent: 100 })).label).toBe('Finishing upload');
    expect(badge(file({ badge: 'waiting', reason: 'Could not reach the server.' })).label).toBe('Waiting to retry');
    expect(badge(file({ badge: 'failed', reason: 'The server refused the file: too large.' }))).toEqual({
      label: 'Failed: The server refused the file: too large.',
      tone: 'bad',
    });
  });
});

describe('transfer rows', () => {
  it('show progress, speed and time left while running', () => {
    expect(progressLine(transfer({}))).toBe('3.0 MB of 10 MB · 1.0 MB/s · 7 s left');
    expect(progressLine(transfer({ state: 'paused' }))).toBe('3.0 MB of 10 MB');
  });

  it('wait for the server once every byte of an upload is sent, and do not count down', () => {
    const sent = transfer({ done_bytes: 10 * 1024 * 1024, seconds_left: 0 });
    expect(progressLine(sent)).toBe('10 MB sent · waiting for the server to confirm');
    expect(progressLine({ ...sent, upload: false })).toBe('10 MB of 10 MB · 1.0 MB/s · 1 s left');
  });

  it('offer only what the state allows', () => {
    expect(transferActions(transfer({ state: 'running' }))).toEqual(['pause', 'cancel']);
    expect(transferActions(transfer({ state: 'paused' }))).toEqual(['resume', 'cancel']);
    expect(transferActions(transfer({ state: 'failed' }))).toEqual(['retry', 'cancel']);
    expect(transferActions(transfer({ state: 'done' }))).toEqual([]);
  });

  it('word sizes and types', () => {
    expect(formatSize(null)).toBe('—');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(fileType('Motion.to.Dismiss.pdf')).toBe('PDF');
    expect(fileType('README')).toBe('File');
  });
});
