/** Short durations for plans: `6h`, `1h 30m`, `45m`, `30s` (zero parts left out). */
export function shortDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0m';
}
