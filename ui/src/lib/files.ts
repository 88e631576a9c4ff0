// How files and transfers are worded: sizes, speeds, time left, and each
// file's badge in plain words.
import type { FileItem, TransferItem } from '../platform';

export function formatSize(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The file type shown in the list, from the name's extension. */
export function fileType(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toUpperCase() : 'File';
}

/** A file's badge: its words, and a tone for its colour. */
export function badge(file: FileItem): { label: string; tone: 'ok' | 'busy' | 'wait' | 'bad' | 'here' } {
  switch (file.badge) {
    case 'synced':
      return { label: 'Synced', tone: 'ok' };
    case 'offline':
      return { label: 'Available offline', tone: 'here' };
    case 'queued':
      return { label: 'Queued', tone: 'wait' };
    case 'uploading':
      // Every byte sent is not every byte received: the server's answer says that.
      return { label: file.percent >= 100 ? 'Finishing upload' : `Uploading ${file.percent} %`, tone: 'busy' };
    case 'paused':
      return { label: 'Paused', tone: 'wait' };
    case 'waiting':
      return { label: 'Waiting to retry', tone: 'wait' };
    case 'failed':
      return { label: `Failed: ${file.reason ?? 'the upload failed'}`, tone: 'bad' };
  }
}

/** A transfer's progress line: "3.1 MB of 10 MB · 1.2 MB/s · 6 s left". Bytes
 * count as sent once the network takes them, so an upload whose bytes are all
 * sent still waits for the server to confirm them, and says so. */
export function progressLine(t: TransferItem): string {
  const parts: string[] = [];
  if (t.state === 'running' && t.upload && t.size !== null && t.done_bytes !== null && t.done_bytes >= t.size) {
    return `${formatSize(t.size)} sent · waiting for the server to confirm`;
  }
  if (t.state === 'done') parts.push(formatSize(t.size));
  else parts.push(t.size === null ? formatSize(t.done_bytes) : `${formatSize(t.done_bytes)} of ${formatSize(t.size)}`);
  if (t.state === 'running' && t.bytes_per_s) parts.push(`${formatSize(t.bytes_per_s)}/s`);
  if (t.state === 'running' && t.seconds_left !== null) parts.push(`${formatDuration(t.seconds_left)} left`);
  return parts.join(' · ');
}

/** What a transfer's state is called. */
export function stateLabel(t: TransferItem): string {
  const labels: Record<string, string> = {
    queued: 'Queued',
    running: t.upload ? 'Uploading' : 'Downloading',
    paused: 'Paused',
    failed: t.retry_at ? 'Waiting to retry' : 'Failed',
    done: t.upload ? 'Uploaded' : 'Downloaded',
    cancelled: 'Cancelled',
  };
  return labels[t.state] ?? t.state;
}

/** Which actions a transfer offers now. */
export function transferActions(t: TransferItem): ('pause' | 'resume' | 'retry' | 'cancel')[] {
  switch (t.state) {
    case 'queued':
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'failed':
      return ['retry', 'cancel'];
    default:
      return [];
  }
}
