/** Small text helpers of the page (browser side). */
export { formatDuration } from '../../util/duration.js';
export { formatUsd } from '../../util/usd.js';

/** The id as backlog file names show it: `007`. */
export function formatId(id: number): string {
  return String(id).padStart(3, '0');
}

/** A local clock time (`23:41`) of an ISO time, or '' when there is none. */
export function clock(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Item states grouped into the few colours the page uses (the state's name is always shown as text too). */
export function stateTone(state: string): string {
  if (state === 'merged') return 'ok';
  if (state === 'failed') return 'bad';
  if (state === 'blocked') return 'warn';
  if (state === 'running' || state === 'verifying' || state === 'merging') return 'busy';
  return 'idle';
}
